"""How the reference video follows the editor's playhead: where it should be, and whether to play, pause or seek.

Kept apart from Qt so the rule can be tested where no video backend exists. The video's own clock runs free
while both play, because seeking a decoder every 30 ms tick makes it stutter; it is pulled back only when it
drifts further than a viewer would notice (about two frames at 25 fps), and snapped exactly when stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

DRIFT_MS = 80  # while playing: allowed lag or lead before a seek
STILL_MS = 1  # while stopped: any larger difference is a seek, so a click shows the frame under the playhead


def video_position_ms(playhead_s: float, offset_s: float) -> int:
    """The video time (ms) shown at project time `playhead_s`, where `offset_s` is the video's time of project 0."""
    return round((playhead_s + offset_s) * 1000)


@dataclass(frozen=True)
class Step:
    seek_ms: int | None = None  # where to seek, or None to stay
    play: bool | None = None  # True: start, False: pause, None: leave as it is


def follow(editor_playing: bool, playhead_s: float, offset_s: float,
           video_playing: bool, video_ms: int, duration_ms: int = 0) -> Step:
    """What the video player should do now. `duration_ms` 0 means not known yet (media still loading). Before the
    video starts or after it ends there is no frame to show: it holds the first or last one, paused."""
    target = video_position_ms(playhead_s, offset_s)
    outside = target < 0 or (duration_ms > 0 and target >= duration_ms)
    if duration_ms > 0:
        target = min(target, duration_ms - 1)
    target = max(target, 0)
    want_play = editor_playing and not outside
    tolerance = DRIFT_MS if want_play and video_playing else STILL_MS
    seek = target if abs(video_ms - target) > tolerance else None
    play = None if want_play == video_playing else want_play
    return Step(seek, play)
