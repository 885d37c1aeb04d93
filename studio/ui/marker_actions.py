"""Markers: add one at the playhead (M) with a name, jump to the next or previous one, remove the nearest.

Markers live in the project (saved with it) and every change is one undo step; the timeline draws them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from studio.core.project_commands import add_marker, next_marker, remove_marker


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

    def remove_nearest(self) -> None:
        markers = self._project.markers
        if not markers:
            self.window.show_info("There are no markers to remove.")
            return
        at = self.window.timeline.playhead_at
        index = min(range(len(markers)), key=lambda i: abs(markers[i].time - at))
        command = remove_marker(self._project, index)
        self.window.document.push(command)
        self.window.show_info(command.text + ".")


def install(window, menu) -> MarkerActions:
    actions = MarkerActions(window)
    window._action(menu, "Add &marker at playhead…", "M", lambda: actions.add_at_playhead())
    window._action(menu, "&Next marker", "Alt+Right", lambda: actions.jump(True))
    window._action(menu, "&Previous marker", "Alt+Left", lambda: actions.jump(False))
    window._action(menu, "Remove nearest marker", None, actions.remove_nearest)
    return actions
