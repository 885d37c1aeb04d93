"""The Script menu: lines and speakers (VOICEVOX's Shift+Enter and Shift+Delete for rows), and guiding a line
from a recording. The work is done by ScriptActions and GuideActions, which the window holds."""

from studio.ui.menus.action import SEPARATOR, Action, Menu

MENU = Menu("&Script", items=(
    Action("&Insert line", lambda w: w.script_actions.insert_line(), ("Shift+Return",)),
    Action("&Delete lines", lambda w: w.script_actions.delete_lines(), ("Shift+Delete",)),
    Action("&Split line at cursor", lambda w: w.script_actions.split_line(), ("Ctrl+Shift+Return",)),
    Action("&Merge with next line", lambda w: w.script_actions.merge_lines(), ("Ctrl+Shift+J",)),
    Action("Move line &up", lambda w: w.script_actions.move_line(-1), ("Alt+Up",)),
    Action("Move line do&wn", lambda w: w.script_actions.move_line(1), ("Alt+Down",)),
    Action("&Paste script as lines", lambda w: w.script_actions.paste_script(), ("Ctrl+Shift+V",)),
    SEPARATOR,
    Action("Change &speaker of line…", lambda w: w.script_actions.ask_change_speaker(), ("Ctrl+K",)),
    Action("&Add speaker…", lambda w: w.script_actions.add_track()),
    Action("&Rename speaker…", lambda w: w.script_actions.ask_rename_track()),
    Action("Remove speaker and its lines", lambda w: w.script_actions.remove_track()),
    SEPARATOR,
    Action("&Guide line from recording…", lambda w: w.guide_actions.ask()),
    Action("Best of 4 &takes", lambda w: w.proof_actions.best_of_takes(4), ("Ctrl+Shift+B",),
           tip="Render the line with four seeds, proof-listen each, and keep the best (one undo step)"),
))
