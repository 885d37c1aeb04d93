"""The script panel: one row per segment with its track (speaker) and editable text."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from studio.core.analysis import AnalysisError
from studio.core.commands import edit_text

from .document import Document

COL_TRACK, COL_TEXT, COL_LENGTH = range(3)


class ScriptPanel(QTableWidget):
    segment_selected = Signal(str)
    error = Signal(str)

    def __init__(self, document: Document, parent=None):
        super().__init__(0, 3, parent)
        self.document = document
        self.setHorizontalHeaderLabels(["Track", "Text", "Length"])
        self.horizontalHeader().setSectionResizeMode(COL_TEXT, QHeaderView.Stretch)
        self.horizontalHeader().setSectionResizeMode(COL_TRACK, QHeaderView.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(COL_LENGTH, QHeaderView.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setWordWrap(True)
        self._filling = False
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
        self.resizeRowsToContents()
        self._filling = False

    def _on_changed(self, _touched: set) -> None:
        selected = self.selected_segment_id()
        self.refill()
        if selected:
            self.select_segment(selected)

    def selected_segment_id(self) -> str | None:
        rows = self.selectionModel().selectedRows()
        if not rows:
            return None
        return self.item(rows[0].row(), COL_TEXT).data(Qt.UserRole)

    def select_segment(self, segment_id: str) -> None:
        for row in range(self.rowCount()):
            if self.item(row, COL_TEXT).data(Qt.UserRole) == segment_id:
                self.selectRow(row)
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
        try:
            command = edit_text(self.document.project, seg_id, item.text(), self.document.voices)
        except (ValueError, AnalysisError) as exc:
            self.error.emit(str(exc))
            self._filling = True
            item.setText(seg.text)
            self._filling = False
            return
        self.document.push(command)
