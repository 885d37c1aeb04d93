"""Keep the unedited render outside the edited phonemes, for voices that edit natively.

A model that takes an edit as input (F0 or durations into the decoder) re-makes the whole line: its receptive
field spreads the change past the word, and a source whose phase and noise run on makes every later period a
little different. The listener asked to change one word, so outside the edited phonemes (and a margin that
holds the model's own glide) the unedited render's samples are put back, crossfaded over a few milliseconds.
Between two edited stretches, and around them, phoneme durations are unchanged, so the stretches of the two
renders line up sample for sample.
"""

from __future__ import annotations

import numpy as np

MARGIN_MS = 30.0  # left to the edited render on each side of an edited stretch (a native glide is shorter)
CROSSFADE_MS = 10.0


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, f in enumerate(list(flags) + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append((start, i))
            start = None
    return runs


def keep_outside(original: np.ndarray, original_bounds, edited: np.ndarray, edited_bounds, touched: list[bool],
                 sample_rate: int) -> np.ndarray:
    """`edited` with every stretch outside the `touched` phonemes (plus MARGIN_MS) taken from `original`."""
    runs = _runs(touched)
    if not runs or len(original_bounds) != len(edited_bounds):
        return edited
    margin = int(MARGIN_MS / 1000.0 * sample_rate)
    fade = int(CROSSFADE_MS / 1000.0 * sample_rate)
    out = np.array(edited, dtype=np.float32, copy=True)
    # The unedited gaps: before the first run, between runs, after the last, in both renders' samples.
    gaps, prev = [], None
    for p0, p1 in runs:
        gaps.append((prev, p0))
        prev = p1
    gaps.append((prev, None))
    for g0, g1 in gaps:
        ea = 0 if g0 is None else edited_bounds[g0] + margin
        eb = len(edited) if g1 is None else edited_bounds[g1] - margin
        oa = 0 if g0 is None else original_bounds[g0] + margin
        ob = len(original) if g1 is None else original_bounds[g1] - margin
        n = min(eb - ea, ob - oa)
        if g1 is None:  # the tail: aligned on the gap's start; a model may pad the two renders differently
            eb, ob = ea + n, oa + n
        if n <= 2 * fade or eb - ea != ob - oa:
            continue
        w = np.ones(n)
        if g0 is not None:
            w[:fade] = np.linspace(0.0, 1.0, fade)
        if g1 is not None:
            w[n - fade:] = np.linspace(1.0, 0.0, fade)
        out[ea:eb] = (w * original[oa:ob] + (1 - w) * out[ea:eb]).astype(np.float32)
    return out
