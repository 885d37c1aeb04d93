"""Fit to slot, for dubbing: per-phoneme durations that make a segment end on its slot.

The segment's spoken length is what the renderer will make of it: each phoneme's predicted duration times its
duration scale times the emotion's tempo (or pause) factor. The fit changes that length in two steps:

1. pauses first, within PAUSE_RANGE of their current length: a reader takes a breath less before speaking faster;
2. then the speech, all unlocked phonemes by one factor within RATE_RANGE, so the rhythm is kept and the rate
   change stays natural.

Locked phonemes are never touched. When a line cannot fit within those bounds, the result says by how much.
The result is one undoable command.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.commands import Command, Macro, SetPhonemes
from studio.core.emotion import EmotionPreset, resolve
from studio.core.model import DURATION_SCALE_RANGE, Project, Segment

PAUSE_RANGE = (0.25, 2.5)  # factor on the current pause lengths
RATE_RANGE = (0.75, 1.35)  # factor on the current speech durations (1/rate)
FRAME_S = 0.04  # one video frame at 25 fps: a line within a frame of its slot is on time


@dataclass(frozen=True)
class Fit:
    segment_id: str
    target: float
    before: float
    after: float
    command: Command | None
    tolerance: float = 0.02  # seconds off the slot that still count as fitting

    @property
    def miss(self) -> float:
        """Seconds the fitted line is still too long (positive) or too short (negative)."""
        return self.after - self.target

    @property
    def fits(self) -> bool:
        return abs(self.miss) <= self.tolerance

    def message(self) -> str:
        if self.fits:
            return f"fits its {self.target:.2f} s slot"
        side = "longer" if self.miss > 0 else "shorter"
        return (f"cannot fit its {self.target:.2f} s slot: it is {abs(self.miss):.2f} s {side} at the fastest "
                f"natural rate" if self.miss > 0 else
                f"cannot fill its {self.target:.2f} s slot: it is {abs(self.miss):.2f} s {side} at the slowest "
                f"natural rate")


def emotion_factors(project: Project, segment: Segment) -> list[float]:
    """Per phoneme, the factor the emotion puts on its duration (pause factor, or 1 / tempo)."""
    try:
        preset = resolve(segment.emotion.name, project.emotion_presets)
    except KeyError:
        preset = EmotionPreset()
    out = []
    for word in segment.words:
        k = segment.emotion.intensity if word.emotion_intensity is None else word.emotion_intensity
        scaled = preset.scaled(k)
        out.extend(scaled.pause_factor if p.is_pause else 1.0 / scaled.tempo for p in word.phonemes)
    return out


def fit_segment(project: Project, segment: Segment, slot: float | None = None) -> Fit:
    target = segment.slot if slot is None else slot
    if target is None or target <= 0:
        raise ValueError("this segment has no slot to fit")
    phonemes = segment.phonemes()
    factors = emotion_factors(project, segment)
    spans = [p.duration * p.duration_scale * f for p, f in zip(phonemes, factors)]
    before = sum(spans)
    free_pauses = [i for i, p in enumerate(phonemes) if p.is_pause and not p.locked and spans[i] > 0]
    free_speech = [i for i, p in enumerate(phonemes) if not p.is_pause and not p.locked and spans[i] > 0]
    pause_total = sum(spans[i] for i in free_pauses)
    speech_total = sum(spans[i] for i in free_speech)
    fixed = before - pause_total - speech_total
    need = target - before

    # 1. pauses
    g = 1.0
    if pause_total > 0:
        g = min(max((pause_total + need) / pause_total, PAUSE_RANGE[0]), PAUSE_RANGE[1])
    # 2. speech, for what the pauses could not do
    f = 1.0
    if speech_total > 0:
        f = (target - fixed - pause_total * g) / speech_total
        f = min(max(f, RATE_RANGE[0]), RATE_RANGE[1])
    lo, hi = DURATION_SCALE_RANGE
    scales = {}
    for i in free_pauses:
        scales[i] = min(max(phonemes[i].duration_scale * g, lo), hi)
    for i in free_speech:
        scales[i] = min(max(phonemes[i].duration_scale * f, lo), hi)
    after = sum(phonemes[i].duration * scales.get(i, phonemes[i].duration_scale) * factors[i]
                for i in range(len(phonemes)))
    changed = {i: s for i, s in scales.items() if s != phonemes[i].duration_scale}
    command = None
    if changed:
        command = Macro([SetPhonemes(segment.id, list(changed), "duration_scale", list(changed.values()))],
                        "Fit to slot")
    return Fit(segment.id, target, before, after, command)


def fit_all(project: Project, mode: str = "both", frame: float = FRAME_S) -> list[Fit]:
    """Fits for every segment that has a slot (commands not yet applied). "compress" fits only the lines that
    run past their slot by more than a frame and leaves shorter ones as spoken; "both" also slows short lines to
    fill their slots. A line within `frame` of its slot counts as fitting either way."""
    out = []
    for s in project.segments:
        if not s.slot:
            continue
        fit = fit_segment(project, s)
        if mode == "compress" and fit.before <= fit.target + frame:
            continue
        out.append(Fit(fit.segment_id, fit.target, fit.before, fit.after, fit.command, tolerance=frame))
    return out
