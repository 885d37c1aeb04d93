"""Timing helpers every voice shares: sample spans, a render's phoneme boundaries, and how a duration scale is
spread over a phoneme's frames. They lived inside one voice each; the others imported them from there."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Span:
    start: int  # samples
    end: int


@dataclass(frozen=True)
class SpeakerRender:
    audio: np.ndarray
    sample_rate: int
    boundaries: tuple[int, ...]
    word_starts: tuple[int, ...]  # phoneme index at which each (non-pause) word starts


def distribute(frames: np.ndarray, groups: list[tuple[int, ...]], scales: list[float]) -> np.ndarray:
    """Scale each group's total frames and spread the new total over its tokens by largest remainder, so that a
    scale of 1 changes nothing and the group's length is the scaled length to within one frame."""
    out = frames.astype(np.float64).copy()
    carry = 0.0  # rounding left over from earlier scaled groups, so the total is right to half a frame
    for toks, scale in zip(groups, scales):
        if scale == 1.0:
            continue
        idx = np.array(toks)
        current = frames[idx].astype(np.float64)
        exact = current.sum() * scale + carry
        target = max(1, int(round(exact)))
        carry = exact - target
        share = current / current.sum() * target if current.sum() > 0 else np.full(len(idx), target / len(idx))
        base = np.floor(share)
        rest = int(target - base.sum())
        order = np.argsort(-(share - base), kind="stable")
        base[order[:rest]] += 1
        out[idx] = base
    return out


def frame_boundaries(frames: np.ndarray, groups: list[tuple[int, ...]], samples_per_frame: float,
                     offset: int = 0) -> tuple[int, ...]:
    """Sample index where each phoneme group starts, plus the end of the last one."""
    bounds = np.concatenate([[0.0], np.cumsum([frames[list(toks)].sum() for toks in groups])])
    return tuple(int(round(b * samples_per_frame)) + offset for b in bounds)
