"""The script panel: one row per segment with its track (speaker) and editable text."""

from __future__ import annotations

import threading

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from studio.core.errors import UserError
from studio.core.commands import edit_text

from studio.ui.document import Document

COL_TRACK, COL_TEXT, COL_LENGTH, COL_FLAGS = range(4)


class ScriptPanel(QTableWidget):
    segment_selected = Signal(str)
    error = Signal(str)
    analysed = Signal(str)  # a text edit was analysed and pushed
    paste_requested = Signal()  # Ctrl+V on the rows (not inside a cell being edited): paste a script as lines
    _analysed = Signal(str, int, object, str)  # from the worker thread: segment, generation, command, error

    def __init__(self, document: Document, parent=None):
        super().__init__(0, 4, parent)
        self.document = document
        self.setHorizontalHeaderLabels(["Track", "Text", "Length", "Flags"])
        self.horizontalHeaderItem(COL_FLAGS).setToolTip("Words the proof pass flagged in the line (Edit › Next "
                                                        "flagged word); blank until the line is proof-listened")
        self.horizontalHeader().setSectionResizeMode(COL_FLAGS, QHeaderView.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(COL_TEXT, QHeaderView.Stretch)
        self.horizontalHeader().setSectionResizeMode(COL_TRACK, QHeaderView.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(COL_LENGTH, QHeaderView.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setWordWrap(True)
        self._filling = False
        self._generation: dict[str, int] = {}
        self._flags: dict[str, str] = {}  # segment id -> the Flags column's text
        self._analysed.connect(self._on_analysed)
        document.reset.connect(self.refill)
        document.changed.connect(self._on_changed)
        self.itemChanged.connect(self._on_item_changed)
        self.itemSelectionChanged.connect(self._on_selection)

    def refill(self) -> None:
        self._filling = True
        project = self.document.project
        self.setRowCount(len(project.segments))
        for row, seg in enumerate(project.segments):
            track = QTableWidgetItem(project.track(seg.track_id).name)
            track.setFlags(track.flags() & ~Qt.ItemIsEditable)
            text = QTableWidgetItem(seg.text)
            text.setData(Qt.UserRole, seg.id)
            length = QTableWidgetItem(f"{seg.duration:.2f} s")
            length.setFlags(length.flags() & ~Qt.ItemIsEditable)
            length.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.setItem(row, COL_TRACK, track)
            self.setItem(row, COL_TEXT, text)
            self.setItem(row, COL_LENGTH, length)
            flags = QTableWidgetItem(self._flags.get(seg.id, ""))
            flags.setFlags(flags.flags() & ~Qt.ItemIsEditable)
            flags.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.setItem(row, COL_FLAGS, flags)
        self.resizeRowsToContents()
        self._filling = False

    def _row_ids(self) -> list[str]:
        return [self.item(r, COL_TEXT).data(Qt.UserRole) for r in range(self.rowCount())]

    def _on_changed(self, touched: set) -> None:
        project = self.document.project
        if self._row_ids() != [s.id for s in project.segments] or any(
                project.track(s.track_id).name != self.item(r, COL_TRACK).text()
                for r, s in enumerate(project.segments)):
            selected = self.selected_segment_id()
            self.refill()
            if selected:
                self.select_segment(selected)
            return
        # Same rows: update just the touched ones (a drag on a long project must not rebuild the table).
        self._filling = True
        for row, seg in enumerate(project.segments):
            if seg.id in touched:
                self.item(row, COL_TEXT).setText(seg.text)
                self.item(row, COL_LENGTH).setText(f"{seg.duration:.2f} s")
                self.resizeRowToContents(row)
        self._filling = False

    def show_flags(self, segment_id: str, count: int | None) -> None:
        """The proof pass's count of flagged words for the line (None: not proof-listened yet)."""
        text = "" if count is None else str(count)
        self._flags[segment_id] = text
        for row in range(self.rowCount()):
            item = self.item(row, COL_TEXT)
            if item is not None and item.data(Qt.UserRole) == segment_id:
                cell = self.item(row, COL_FLAGS)
                if cell is not None and cell.text() != text:
                    self._filling = True
                    cell.setText(text)
                    cell.setForeground(Qt.red if count else Qt.gray)
                    self._filling = False
                return

    def flags_text(self, segment_id: str) -> str:
        return self._flags.get(segment_id, "")

    def selected_segment_id(self) -> str | None:
        ids = self.selected_segment_ids()
        return ids[0] if ids else None

    def selected_segment_ids(self) -> list[str]:
        """Selected lines in script order."""
        rows = sorted(r.row() for r in self.selectionModel().selectedRows())
        return [self.item(r, COL_TEXT).data(Qt.UserRole) for r in rows if self.item(r, COL_TEXT) is not None]

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.Paste) and self.state() != QAbstractItemView.EditingState:
            self.paste_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def select_segment(self, segment_id: str) -> None:
        for row in range(self.rowCount()):
            if self.item(row, COL_TEXT).data(Qt.UserRole) == segment_id:
                # Not selectRow: it reads the keyboard modifiers, and a held Shift would extend the selection.
                index = self.model().index(row, COL_TEXT)
                self.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
                return

    def _on_selection(self) -> None:
        seg = self.selected_segment_id()
        if seg:
            self.segment_selected.emit(seg)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != COL_TEXT:
            return
        seg_id = item.data(Qt.UserRole)
        seg = self.document.project.segment(seg_id)
        if item.text().strip() == seg.text:
            return
        # The voice analyses the new text on a worker thread (a Coqui model can take a moment); the command is
        # pushed back on the GUI thread, unless a newer edit of the same segment came first.
        self._generation[seg_id] = self._generation.get(seg_id, 0) + 1
        generation, text = self._generation[seg_id], item.text()
        project, voices = self.document.project, self.document.analyzer

        def work():
            try:
                self._analysed.emit(seg_id, generation, edit_text(project, seg_id, text, voices), "")
            except (UserError, ValueError, KeyError) as exc:
                self._analysed.emit(seg_id, generation, None, str(exc) or "The text could not be analysed.")
        threading.Thread(target=work, daemon=True).start()

    def _on_analysed(self, seg_id: str, generation: int, command, error: str) -> None:
        if self._generation.get(seg_id) != generation:
            return  # a newer edit of this segment is on its way
        try:
            seg = self.document.project.segment(seg_id)
        except KeyError:
            return
        if command is None:
            self.error.emit(error)
            self.select_segment(seg_id)
            self._on_changed({seg_id})  # put the segment's text back
            return
        self.document.push(command)
        self.analysed.emit(seg.id)
