"""The View menu: zoom, which lanes are shown and how tall, and the markers on the timeline. The reference video's dock adds its own toggle here
when it is first shown (video_actions.py), hence the name the window keeps it under."""

from PySide6.QtGui import QAction

from studio.ui.menus.action import SEPARATOR, Action, Menu, Submenu


def _fill_lanes(window) -> None:
    """A check per lane: unchecked hides it. The lanes are the timeline's, so the list is made with the window."""
    timeline = window.timeline
    for lane in timeline.lanes:
        action = QAction(lane.title, window.lanes_menu, checkable=True, checked=lane not in timeline.hidden)
        action.toggled.connect(lambda on, lane=lane: timeline.set_lane_visible(lane, on))
        window.lanes_menu.addAction(action)

MENU = Menu("&View", name="view_menu", items=(
    Action("Zoom &in", lambda w: w.timeline.zoom(1.5), ("+", "=", "Ctrl++")),
    Action("Zoom &out", lambda w: w.timeline.zoom(1 / 1.5), ("-", "Ctrl+-")),
    Action("Show &all", lambda w: w.timeline.show_range(0, max(w.timeline.data.total, 1)), ("Ctrl+0",)),
    SEPARATOR,
    Submenu("&Lanes", "lanes_menu", _fill_lanes),
    Action("&Taller lanes", lambda w: w.timeline.scale_lanes(1.25)),
    Action("S&horter lanes", lambda w: w.timeline.scale_lanes(0.8)),
    SEPARATOR,
    Action("Add &marker at playhead…", lambda w: w.markers.add_at_playhead(), ("M",)),
    Action("&Next marker", lambda w: w.markers.jump(True), ("Alt+Right",)),
    Action("&Previous marker", lambda w: w.markers.jump(False), ("Alt+Left",)),
    Action("&Rename nearest marker…", lambda w: w.markers.rename_nearest()),
    Action("Remove nearest marker", lambda w: w.markers.remove_nearest()),
    SEPARATOR,
    Action("&Proof-listen rendered lines", name="proof_action", checkable=True,
           toggled=lambda w, on: w.proof_actions.set_enabled(on),
           tip="Listen to every rendered line with the recogniser and flag missing or doubtful words"),
))
