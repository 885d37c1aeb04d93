"""Flat arrays of everything the timeline draws, computed from the document in one pass (no Qt here).

Each phoneme gets its absolute start and end on the project timeline, its predicted and edited pitch (semitones
re 100 Hz) and energy (dB), and the segment and index it belongs to, so lanes can map a click back to a command.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from studio.core.model import Project
from studio.core.timeline import Placement, layout
from studio.engine.output.mixdown import spoken_durations

REF_HZ = 100.0


def hz_to_st(hz: float) -> float:
    return 12.0 * math.log2(hz / REF_HZ) if hz > 0 else float("nan")


def st_to_hz(st: float) -> float:
    return REF_HZ * 2.0 ** (st / 12.0)


@dataclass
class TimelineData:
    placements: list[Placement] = field(default_factory=list)
    seg_index: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # per phoneme: segment position
    ph_index: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # per phoneme: index in its segment
    start: np.ndarray = field(default_factory=lambda: np.zeros(0))
    end: np.ndarray = field(default_factory=lambda: np.zeros(0))
    symbol: list[str] = field(default_factory=list)
    pause: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    pitch_pred: np.ndarray = field(default_factory=lambda: np.zeros(0))  # st, NaN when unvoiced
    pitch_edit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # st offsets
    energy_pred: np.ndarray = field(default_factory=lambda: np.zeros(0))  # dB
    energy_edit: np.ndarray = field(default_factory=lambda: np.zeros(0))
    duration_pred: np.ndarray = field(default_factory=lambda: np.zeros(0))
    locked: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # start, end, text, segment position, index of the word in its segment
    words: list[tuple[float, float, str, int, int]] = field(default_factory=list)

    @property
    def total(self) -> float:
        return max((p.end for p in self.placements), default=0.0)


def build(project: Project, results: dict | None = None) -> TimelineData:
    """`results` (segment id -> RenderResult) place phonemes where the render put them, where there is one."""
    results = results or {}
    placements = layout(project, spoken_durations(results))
    rows: dict[str, list] = {k: [] for k in ("seg", "ph", "start", "end", "sym", "pause", "pp", "pe", "ep", "ee",
                                                "dp", "lock")}
    words = []
    for si, (seg, place) in enumerate(zip(project.segments, placements)):
        t = place.start
        k = 0
        result = results.get(seg.id)
        rendered = None
        if result is not None and len(result.boundaries) == len(seg.phonemes()) + 1:
            rendered = np.diff(result.boundaries) / result.sample_rate
        for wi, word in enumerate(seg.words):
            w_start = t
            for p in word.phonemes:
                d = float(rendered[k]) if rendered is not None else p.target_duration
                rows["seg"].append(si)
                rows["ph"].append(k)
                rows["start"].append(t)
                rows["end"].append(t + d)
                rows["sym"].append(p.symbol)
                rows["pause"].append(p.is_pause)
                rows["pp"].append(hz_to_st(p.pitch) if p.pitch > 0 and not p.is_pause else float("nan"))
                rows["pe"].append(p.pitch_st)
                rows["ep"].append(p.energy if not p.is_pause else float("nan"))
                rows["ee"].append(p.energy_db)
                rows["dp"].append(p.duration)
                rows["lock"].append(p.locked)
                t += d
                k += 1
            if word.text:
                words.append((w_start, t, word.text, si, wi))
    return TimelineData(
        placements=placements, seg_index=np.array(rows["seg"], int), ph_index=np.array(rows["ph"], int),
        start=np.array(rows["start"], float), end=np.array(rows["end"], float), symbol=rows["sym"],
        pause=np.array(rows["pause"], bool), pitch_pred=np.array(rows["pp"], float),
        pitch_edit=np.array(rows["pe"], float), energy_pred=np.array(rows["ep"], float),
        energy_edit=np.array(rows["ee"], float), duration_pred=np.array(rows["dp"], float),
        locked=np.array(rows["lock"], bool), words=words)
