"""Edit > Pronunciations…: every lexicon entry in one list (this project's and the user's global ones), to edit,
add and remove.

Nothing changes until Apply. Then the project's entries change as one undo step together with the re-analysis of
every line whose words changed; the global entries are written to the user's lexicon file at once (atomically),
and only the re-analysis they cause is undoable, as in the single-word dialog (pronunciation.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from studio.core import lexicon as lex

from studio.ui.pronunciation import lexicon_edit
from studio.ui.user_data import save_global_lexicon

SCOPES = ("This project", "All my projects")


class LexiconDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setObjectName("lexicon-dialog")
        self.setWindowTitle("Pronunciations")
        self.resize(560, 420)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Word", "Say it as", "For"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        hint = QLabel("A respelling (win) or IPA between slashes (/wɪn/). A project entry wins over a global one.")
        hint.setWordWrap(True)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #ff8080;")
        self.error.setWordWrap(True)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.Apply | QDialogButtonBox.Close)
        self.apply_button = buttons.button(QDialogButtonBox.Apply)
        self.apply_button.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        """Show the lexicons as they are now (a project opened or an undo since the dialog was last seen)."""
        self.table.setRowCount(0)
        document = self.window.document
        rows = [(w, p, 0) for w, p in document.project.lexicon.items()]
        rows += [(w, p, 1) for w, p in document.global_lexicon.items()]
        for word, pron, scope in sorted(rows, key=lambda r: (r[0].lower(), r[2])):
            self._append(word, pron, scope)
        self.error.setText("")

    def _append(self, word: str, pron: str, scope: int) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(word))
        self.table.setItem(r, 1, QTableWidgetItem(pron))
        box = QComboBox()
        box.addItems(SCOPES)
        box.setCurrentIndex(scope)
        self.table.setCellWidget(r, 2, box)
        return r

    def add_row(self) -> None:
        r = self._append("", "", 0)
        self.table.setCurrentCell(r, 0)
        self.table.editItem(self.table.item(r, 0))

    def remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)

    def entries(self) -> tuple[dict[str, str], dict[str, str]]:
        """(project, global) entries as typed, checked; LexiconError names the first bad row."""
        scopes: tuple[dict[str, str], dict[str, str]] = ({}, {})
        for r in range(self.table.rowCount()):
            word = self.table.item(r, 0).text() if self.table.item(r, 0) else ""
            pron = self.table.item(r, 1).text() if self.table.item(r, 1) else ""
            if not word.strip() and not pron.strip():
                continue  # an added row left empty is no entry
            try:
                w, p = lex.check_entry(word, pron)
            except lex.LexiconError as exc:
                raise lex.LexiconError(f"Row {r + 1}: {exc}") from None
            target = scopes[self.table.cellWidget(r, 2).currentIndex()]
            if any(k.lower() == w.lower() for k in target):
                raise lex.LexiconError(f"Row {r + 1}: '{w}' is listed twice for the same scope; keep one.")
            target[w] = p
        return scopes

    def apply(self) -> bool:
        """Apply the list; a bad row is one sentence here and changes nothing."""
        try:
            proj_entries, glob_entries = self.entries()
        except lex.LexiconError as exc:
            self.error.setText(str(exc))
            return False
        document = self.window.document
        build, changed = lexicon_edit(document, proj_entries, glob_entries)
        if not changed:
            self.error.setText("")
            self.window.show_info("The pronunciations are as they were.")
            return True
        if glob_entries != document.global_lexicon:
            try:
                save_global_lexicon(glob_entries)
            except OSError as exc:
                self.error.setText(f"Your lexicon could not be saved ({exc.strerror or exc}); nothing was changed.")
                return False
            document.global_lexicon = glob_entries
        self.error.setText("")
        self.window.script_actions.run(build, f"Analysing the lines with {changed} changed "
                                              f"word{'s' * (changed != 1)}")
        return True

    def showEvent(self, event) -> None:
        self.reload()
        super().showEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            return  # Enter ends a cell's edit, not the dialog
        super().keyPressEvent(event)
