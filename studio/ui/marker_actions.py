"""Markers: add one at the playhead (M) with a name, jump to the next or previous one, rename or remove the
nearest. A marker is moved by dragging its line on the timeline (see Timeline._draw_markers).

Markers live in the project (saved with it) and every change is one undo step; the timeline draws them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from studio.core.commands import add_marker, nearest_marker, next_marker, remove_marker, rename_marker


class MarkerActions:
    def __init__(self, window):
        self.window = window

    @property
    def _project(self):
        return self.window.document.project

    def add_at_playhead(self, name: str | None = None) -> None:
        at = self.window.timeline.playhead_at
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Add marker", f"Name of the marker at {at:.2f} s:",
                                            text=f"Marker {len(self._project.markers) + 1}")
            if not ok:
                return
        command = add_marker(self._project, at, name)
        self.window.document.push(command)
        self.window.show_info(command.text + ".")

    def jump(self, forward: bool) -> None:
        timeline = self.window.timeline
        marker = next_marker(self._project, timeline.playhead_at, forward)
        if marker is None:
            self.window.show_info("No marker " + ("after" if forward else "before") + " the playhead."
                                  if self._project.markers else "No markers yet: press M to add one at the playhead.")
            return
        timeline.set_cursor(marker.time)
        (x0, x1), _ = timeline.phonemes.view.viewRange()
        if not x0 <= marker.time <= x1:  # bring it into view, a little in from the left
            width = x1 - x0
            timeline.show_range(max(0.0, marker.time - 0.2 * width), max(0.0, marker.time - 0.2 * width) + width)
        self.window.show_info(f"Marker '{marker.name}' at {marker.time:.2f} s.")

    def rename_nearest(self, name: str | None = None) -> None:
        index = nearest_marker(self._project, self.window.timeline.playhead_at)
        if index is None:
            self.window.show_info("There are no markers to rename: press M to add one at the playhead.")
            return
        marker = self._project.markers[index]
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Rename marker",
                                            f"New name of the marker at {marker.time:.2f} s:", text=marker.name)
            if not ok:
                return
        try:
            command = rename_marker(self._project, index, name)
        except ValueError as exc:
            self.window.show_error(str(exc))
            return
        if command.value == self._project.markers:
            return  # the same name: no undo step that changes nothing
        self.window.document.push(command)
        self.window.show_info(command.text + ".")

    def remove_nearest(self) -> None:
        index = nearest_marker(self._project, self.window.timeline.playhead_at)
        if index is None:
            self.window.show_info("There are no markers to remove.")
            return
        command = remove_marker(self._project, index)
        self.window.document.push(command)
        self.window.show_info(command.text + ".")
