"""The View menu: zoom, and the markers on the timeline. The reference video's dock adds its own toggle here
when it is first shown (video_actions.py), hence the name the window keeps it under."""

from studio.ui.menus.action import SEPARATOR, Action, Menu

MENU = Menu("&View", name="view_menu", items=(
    Action("Zoom &in", lambda w: w.timeline.zoom(1.5), ("+", "=", "Ctrl++")),
    Action("Zoom &out", lambda w: w.timeline.zoom(1 / 1.5), ("-", "Ctrl+-")),
    Action("Show &all", lambda w: w.timeline.show_range(0, max(w.timeline.data.total, 1)), ("Ctrl+0",)),
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
