"""Edit > Find/Replace: find a word across the script's lines, step through the matches, replace one or all.

Finding selects the line in the script and shows it on the timeline. Replacing re-analyses each changed line off
the GUI thread, exactly as typing in a row does, and "Replace all" is one undo step however many lines change.
With "Regular expression" the text to find is a Python regex and the replacement may use its groups; a pattern the
core refuses (not valid, or matching empty text) is shown as its one sentence, in red, and nothing changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)

from studio.core.commands import Macro, edit_text
from studio.core.find import FindError, Match, check, find_all, replace_plan, replaced_one, step


class FindReplaceDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.setWindowTitle("Find and replace")
        self.current: Match | None = None
        self.find_edit, self.replace_edit = QLineEdit(), QLineEdit()
        self.find_edit.setPlaceholderText("Text to find in every line")
        self.replace_edit.setPlaceholderText("Replace with (may be empty)")
        self.case_box = QCheckBox("Match case")
        self.regex_box = QCheckBox("Regular expression")
        self.regex_box.setToolTip("Find with a Python regular expression; the replacement may use its groups, "
                                  "as \\1 or \\g<name>.")
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Find:", self.find_edit)
        form.addRow("Replace:", self.replace_edit)
        options = QHBoxLayout()
        options.addWidget(self.case_box)
        options.addWidget(self.regex_box)
        options.addStretch(1)
        form.addRow("", options)
        buttons = QHBoxLayout()
        self.prev_button, self.next_button = QPushButton("Previous"), QPushButton("Next")
        self.replace_button, self.all_button = QPushButton("Replace"), QPushButton("Replace all")
        for b in (self.prev_button, self.next_button, self.replace_button, self.all_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        self.next_button.setDefault(True)  # Enter in the find field goes to the next match
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.prev_button.clicked.connect(lambda: self.find(forward=False))
        self.next_button.clicked.connect(lambda: self.find(forward=True))
        self.replace_button.clicked.connect(self.replace_one)
        self.all_button.clicked.connect(self.replace_all)
        self.find_edit.textChanged.connect(lambda _t: setattr(self, "current", None))
        self.case_box.toggled.connect(lambda _on: setattr(self, "current", None))
        self.regex_box.toggled.connect(lambda _on: setattr(self, "current", None))
        self.find_edit.returnPressed.connect(lambda: self.find(forward=True))
        self.resize(460, 170)

    def open_for(self, replace: bool) -> None:
        """Show the dialog with the focus where the user will type (the find field, or replace for Ctrl+H)."""
        self.show()
        self.raise_()
        self.activateWindow()
        target = self.replace_edit if replace and self.find_edit.text() else self.find_edit
        target.setFocus(Qt.ShortcutFocusReason)
        target.selectAll()

    def _options(self) -> dict:
        return {"match_case": self.case_box.isChecked(), "regex": self.regex_box.isChecked()}

    def _matches(self) -> list[Match]:
        return find_all(self.document.project, self.find_edit.text(), **self._options())

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #ff8080;" if error else "")
        self.status.setText(text)
        (self.window.show_error if error else self.window.show_info)(text)

    def _not_found(self) -> str:
        needle = self.find_edit.text()
        if self.regex_box.isChecked():
            return f"Nothing in the script matches the regular expression \"{needle}\"."
        return f"\"{needle}\" is not in the script."

    def find(self, forward: bool = True) -> Match | None:
        if not self.find_edit.text():
            self._say("Type the text to find.")
            return None
        try:
            matches = self._matches()
        except FindError as exc:
            self._say(str(exc), error=True)
            return None
        self.current = step(matches, self.current, forward)
        if self.current is None:
            self._say(self._not_found())
            return None
        self.window.script.select_segment(self.current.segment_id)
        n = matches.index(self.current) + 1
        self._say(f"Match {n} of {len(matches)}.")
        return self.current

    def replace_one(self) -> None:
        """Replace the current match (finding one first if none is current), then move to the next."""
        try:
            check(self.find_edit.text(), self.replace_edit.text(), **self._options())
            if self.current is None or self.current not in self._matches():
                if self.find() is None:
                    return
            match, project, analyzer = self.current, self.document.project, self.document.analyzer
            text = project.segment(match.segment_id).text
            changed = replaced_one(text, match, self.find_edit.text(), self.replace_edit.text(), **self._options())
        except FindError as exc:
            self._say(str(exc), error=True)
            return
        new = changed[match.start:len(changed) - (len(text) - match.end)]  # the groups filled in

        def build():
            command = edit_text(project, match.segment_id, changed, analyzer)
            command.text = f"Replace '{text[match.start:match.end]}' with '{new}'"
            return command
        self.current = None
        self.window.script_actions.run(build, "Replacing", then=lambda _c: self.find(forward=True))

    def replace_all(self) -> None:
        needle, new = self.find_edit.text(), self.replace_edit.text()
        project, analyzer = self.document.project, self.document.analyzer
        try:
            plan = replace_plan(project, needle, new, **self._options())
            count = len(self._matches())
        except FindError as exc:
            self._say(str(exc), error=True)
            return
        if not plan:
            self._say(self._not_found() if needle else "Type the text to find.")
            return

        def build():
            commands = [edit_text(project, seg_id, text, analyzer) for seg_id, text in plan.items()]
            lines = f"{len(plan)} line{'s' if len(plan) != 1 else ''}"
            return Macro(commands, f"Replace '{needle}' with '{new}' in {lines}")
        self.current = None
        self.window.script_actions.run(
            build, "Replacing", then=lambda _c: self._say(f"Replaced {count} match{'es' if count != 1 else ''} "
                                                         f"in {len(plan)} line{'s' if len(plan) != 1 else ''}."))
