"""The Edit menu: undo, find and replace, the selected pitch or energy points, fitting lines to their slots, proof flags,
pronunciations and the preferences."""

from PySide6.QtGui import QKeySequence

from studio.ui.menus.action import SEPARATOR, Action, Menu

MENU = Menu("&Edit", items=(
    Action("&Undo", keys=("Ctrl+Z", QKeySequence.Undo), make=lambda w: w.document.undo_stack.createUndoAction(w, "&Undo")),
    # Both common redo keys on every platform, with the platform's own; builder.key_sequences drops repeats.
    Action("&Redo", keys=("Ctrl+Shift+Z", "Ctrl+Y", QKeySequence.Redo),
           make=lambda w: w.document.undo_stack.createRedoAction(w, "&Redo")),
    SEPARATOR,
    Action("&Find…", lambda w: w.show_find(False), (QKeySequence.Find,)),
    Action("Find and &replace…", lambda w: w.show_find(True), ("Ctrl+H",)),
    SEPARATOR,
    Action("Raise selection", lambda w: w._on_selection("shift", 1.0), ("Ctrl+Up",)),
    Action("Lower selection", lambda w: w._on_selection("shift", -1.0), ("Ctrl+Down",)),
    Action("Flatten selection", lambda w: w._on_selection("flatten"), ("F",)),
    Action("Reset selection", lambda w: w._on_selection("reset"), ("R",)),
    SEPARATOR,
    Action("Fit long lines to their slots", lambda w: w.fit_to_slots("compress"), ("Ctrl+T",)),
    Action("Fit all lines to their slots (stretch short ones too)", lambda w: w.fit_to_slots("both"),
           ("Ctrl+Shift+T",)),
    SEPARATOR,
    Action("Next &flagged word", lambda w: w.proof_actions.next_flagged_word(), ("F8",), name="next_flag_action",
           tip="Go to the next word the proof pass flagged as missing or doubtful"),
    Action("&Dismiss flag", lambda w: w.proof_actions.dismiss_current(), ("Shift+F8",),
           tip="The word is fine as the voice says it: remove its flag (saved in the project)"),
    SEPARATOR,
    Action("&Pronunciation of a word…", lambda w: w.ask_pronunciation(), ("Ctrl+P",)),
    Action("Pronunciation&s…", lambda w: w.show_lexicon()),
    SEPARATOR,
    Action("Pre&ferences…", lambda w: w.show_preferences(), (QKeySequence.Preferences,)),
))
