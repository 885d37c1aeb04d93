"""Fixing a mispronounced word: double-click it on the timeline (or Edit > Pronunciation…), type a respelling or
IPA between slashes, and choose whether the fix is for this project or for all your projects.

The fix is a lexicon entry; every line that contains the word is analysed again with it, on a worker thread,
and the entry and the new analyses are pushed as one undo step (a global entry is written to the user's
lexicon file at once, and the re-analysis is the undoable part).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QRadioButton,
                               QVBoxLayout)

from studio.core import lexicon as lex
from studio.core.analysis import analyze_all
from studio.core.commands import EditText, Macro, SetLexiconEntry
from studio.core.retext import carry_edits
from studio.engine.voices.backbone import LexiconAnalyzer

from studio.ui.user_data import save_global_lexicon


class PronunciationDialog(QDialog):
    def __init__(self, parent, word: str, heard: str, current: str | None, is_global: bool):
        super().__init__(parent)
        self.setObjectName("pronunciation-dialog")
        self.setWindowTitle(f"Pronunciation of '{word}'")
        self.word = word
        self.pron = QLineEdit(current or (f"/{heard}/" if heard else ""))
        self.pron.setPlaceholderText("a respelling (win) or IPA between slashes (/wɪn/)")
        self.project_scope = QRadioButton("This project")
        self.global_scope = QRadioButton("All my projects")
        group = QButtonGroup(self)
        group.addButton(self.project_scope)
        group.addButton(self.global_scope)
        (self.global_scope if is_global else self.project_scope).setChecked(True)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #ff8080;")
        form = QFormLayout()
        form.addRow("Word", QLabel(word))
        form.addRow("The voice says", QLabel(f"/{heard}/" if heard else "—"))
        form.addRow("Say it as", self.pron)
        form.addRow("For", self.project_scope)
        form.addRow("", self.global_scope)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.remove_button = buttons.addButton("Remove entry", QDialogButtonBox.DestructiveRole)
        self.remove_button.setEnabled(current is not None)
        self.remove_button.clicked.connect(self._remove)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.removed = False

    def _ok(self) -> None:
        try:
            lex.check_entry(self.word, self.pron.text())
        except lex.LexiconError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def _remove(self) -> None:
        self.removed = True
        self.accept()

    @property
    def scope_global(self) -> bool:
        return self.global_scope.isChecked()


def _find(entries: dict, word: str) -> str | None:
    return next((k for k in entries if k.lower() == word.lower()), None)


def _reanalysis(document, proj_entries: dict, glob_entries: dict, words: list[str]) -> list:
    """EditText commands for every line that contains one of `words`, analysed with the new entries (off the GUI
    thread: analysis may load a voice)."""
    project = document.project
    analyzer = LexiconAnalyzer(document.voices, lambda: lex.merged(proj_entries, glob_entries))
    probe = {w: "x" for w in words}
    touched = [seg for seg in project.segments if probe and lex.apply(seg.text, probe)[1]]
    voice_of = {seg.id: project.track(seg.track_id).voice for seg in touched}
    analysed = analyze_all(analyzer, [(seg.text, voice_of[seg.id], project.effective_mix(seg)) for seg in touched])
    return [EditText(seg.id, seg.text, carry_edits(seg.words, words)) for seg, words in zip(touched, analysed)]


def _lower(entries: dict) -> dict:
    return {k.lower(): (k, v) for k, v in entries.items()}


def lexicon_edit(document, proj_entries: dict[str, str], glob_entries: dict[str, str]):
    """A builder of one macro that turns the project's lexicon into `proj_entries` and re-analyses every line whose
    words changed in either scope (the caller saves `glob_entries`). Entries must already be checked."""
    old_p, new_p = _lower(document.project.lexicon), _lower(proj_entries)
    old_g, new_g = _lower(document.global_lexicon), _lower(glob_entries)
    changed_p = sorted(k for k in old_p.keys() | new_p.keys() if old_p.get(k) != new_p.get(k))
    changed_g = sorted(k for k in old_g.keys() | new_g.keys() if old_g.get(k) != new_g.get(k))
    set_commands = [SetLexiconEntry(*new_p[k]) if k in new_p else SetLexiconEntry(old_p[k][0], None)
                    for k in changed_p]
    words = [(new_p.get(k) or old_p.get(k) or new_g.get(k) or old_g.get(k))[0] for k in {*changed_p, *changed_g}]
    n = len(set(changed_p) | set(changed_g))

    def build():
        label = set_commands[0].text if n == 1 and set_commands else f"Pronunciations: {n} word{'s' * (n != 1)}"
        return Macro(set_commands + _reanalysis(document, dict(proj_entries), dict(glob_entries), words), label)
    return build, n


def lexicon_change(document, word: str, pron: str | None, scope_global: bool):
    """A builder (run it off the GUI thread) of the macro that sets the entry and re-analyses the lines."""
    proj_entries = dict(document.project.lexicon)
    glob_entries = dict(document.global_lexicon)
    target = glob_entries if scope_global else proj_entries
    key = _find(target, word)
    if key is not None:
        del target[key]
    if pron is not None:
        w, p = lex.check_entry(word, pron)
        target[w] = p

    def build():
        commands = [] if scope_global else [SetLexiconEntry(word, pron)]
        commands += _reanalysis(document, proj_entries, glob_entries, [word])
        label = (f"Pronounce '{word}' as {pron}" if pron is not None else f"Remove pronunciation of '{word}'")
        return Macro(commands, label + (" (all projects)" if scope_global else ""))
    return build, glob_entries


def edit_pronunciation(window, word: str, heard: str = "") -> None:
    """Open the dialog for a word and apply the answer."""
    document = window.document
    in_project = _find(document.project.lexicon, word)
    in_global = _find(document.global_lexicon, word)
    current = document.project.lexicon[in_project] if in_project else (
        document.global_lexicon[in_global] if in_global else None)
    dialog = PronunciationDialog(window, word, heard, current, is_global=in_project is None and in_global is not None)
    if dialog.exec() != QDialog.Accepted:
        return
    pron = None if dialog.removed else dialog.pron.text()
    try:
        build, glob_entries = lexicon_change(document, word, pron, dialog.scope_global)
    except lex.LexiconError as exc:
        window.show_error(str(exc))
        return
    if dialog.scope_global:
        try:
            save_global_lexicon(glob_entries)
        except OSError as exc:
            window.show_error(f"Your lexicon could not be saved ({exc.strerror or exc}); the fix applies to this "
                              "session only.")
        document.global_lexicon = glob_entries
    window.script_actions.run(build, f"Analysing the lines with '{word}'")
