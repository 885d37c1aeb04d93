"""The transport bar: play, loop, stop, the pen, and mute or solo of the reference audio and the guide."""

from studio.ui.menus.action import SEPARATOR, Action, Toolbar


def _guide_playback(window, _on: bool) -> None:
    guide = window.guide_actions
    guide.set_playback(guide.mute_action.isChecked(), guide.solo_action.isChecked())


BAR = Toolbar("Transport", name="transport", items=(
    Action("Play", lambda w: w.toggle_play(), ("Space",), name="play_action"),
    Action("Play segment", lambda w: w.play_segment(), ("Ctrl+Space",)),
    Action("Play from cursor", lambda w: w.play_from_cursor(), ("Shift+Space",)),
    Action("Loop view", keys=("L",), name="loop_action", checkable=True),
    Action("Stop", lambda w: w.player.stop(), ("Escape",)),
    SEPARATOR,
    Action("Pen", keys=("P",), name="pen_action", checkable=True,
           toggled=lambda w, on: setattr(w.timeline, "pen_on", on),
           tip="Draw pitch or energy: drag across the phonemes (P)"),
    Action("Mute reference", lambda w: w._reference_changed(), name="ref_mute_action", checkable=True),
    Action("Solo reference", lambda w: w._reference_changed(), name="ref_solo_action", checkable=True),
    Action("Mute guide", name="guide_actions.mute_action", checkable=True, toggled=_guide_playback),
    Action("Solo guide", name="guide_actions.solo_action", checkable=True, toggled=_guide_playback),
))
