"""The timing report of a render: for every cue its planned and actual times, and how late it ends.

A cue is late when its line ends more than one video frame after the cue does. Late cues are listed by number
and time in the command's output and all cues go to timing-report.csv, so that drift is never silent. So is every
line of one speaker that --shift moved after the line before it, or that overlaps it when cues stay on time.
"""

from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from studio.core.fit import Fit
from studio.core.model import Project
from studio.engine.output.mixdown import Placed
from studio.interchange.exports import track_labels

from studio.production.inputs import Script


@dataclass(frozen=True)
class CueTiming:
    cue: int  # the cue's number in the file, or the segment's position for pinned segments of a project
    track: str
    text: str
    planned_start: float
    planned_end: float
    actual_start: float
    actual_end: float
    start_delay: float  # actual start - planned start (> 0 when the line was moved to a later free moment)
    overshoot: float  # actual end - planned end (> 0 when the line runs past its cue)
    rate: float  # speaking-rate factor the fit applied (1.2 = 20 % faster), 1 when untouched
    status: str  # on time, late, or failed
    # Why the line is not where its cue put it, in the same speaker's terms: "moved after cue 1" (--shift), or
    # "overlaps cue 1 by 2.01 s" (the default, cues kept on time; by more than a video frame). Empty when the line
    # is alone on its track.
    note: str = ""
    previous: str = ""  # the line on the same track it was moved after or overlaps ("cue 1", or its text)
    previous_end: float = float("nan")


def stamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def timings(script: Script, grid: dict[str, Placed], rate: int, fits: dict[str, Fit], failed: dict[str, str],
            frame: float) -> list[CueTiming]:
    project: Project = script.project
    rows = []
    pinned = 0
    # The line that spoke last on each track, as grid placed it: a cue that starts after its planned time was
    # moved after it (--shift), one that starts before it ends overlaps it. Same speaker, same track.
    last: dict[str, tuple[str, float]] = {}
    tolerance = 2 / rate  # rounding to the sample grid is no move
    labels = track_labels(project)  # the names the stems, TextGrid and OTIO give the tracks
    for seg in project.segments:
        p = grid.get(seg.id)
        if seg.start is None:
            if p is not None:
                last[seg.track_id] = (f'"{seg.text[:30]}"', p.end / rate)
            continue
        pinned += 1
        info = script.cues.get(seg.id)
        number = info.number if info else pinned
        before = last.get(seg.track_id)
        if p is not None:
            last[seg.track_id] = (f"cue {number}", p.end / rate)
        planned_start = seg.start
        planned_end = seg.start + (seg.slot or 0.0)
        fit = fits.get(seg.id)
        speed = fit.before / fit.after if fit and fit.after > 0 else 1.0
        track = labels[seg.track_id]
        p = grid.get(seg.id)
        if p is None:
            rows.append(CueTiming(number, track, seg.text, planned_start, planned_end, float("nan"), float("nan"),
                                  float("nan"), float("nan"), speed, "failed"))
            continue
        start, end = p.start / rate, p.end / rate
        over = end - planned_end if seg.slot else 0.0
        status = "late" if over > frame + 1e-9 or start - planned_start > frame + 1e-9 else "on time"
        note, previous, previous_end = "", "", float("nan")
        if before is not None:
            previous, previous_end = before
            if start - planned_start > tolerance:
                note = f"moved after {previous}"
            elif previous_end - start > max(frame, tolerance):  # less than a frame is no overlap to see
                note = f"overlaps {previous} by {previous_end - start:.2f} s"
            else:
                previous, previous_end = "", float("nan")
        rows.append(CueTiming(number, track, seg.text, planned_start, planned_end, start, end,
                              start - planned_start, over, speed, status, note, previous, previous_end))
    return rows


def write_csv(path: Path, rows: list[CueTiming]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([fl.name for fl in fields(CueTiming)])
        for r in rows:
            out.writerow([f"{v + 0.0:.3f}".replace("-0.000", "0.000") if isinstance(v, float) else v
                          for v in astuple(r)])


def summary(rows: list[CueTiming], frame: float) -> list[str]:
    """Lines for the command's output: the count, each late cue by number and time, then each moved or
    overlapping line of one speaker: from where to where, and after which line."""
    if not rows:
        return []
    late = [r for r in rows if r.status == "late"]
    worst = max((r.overshoot for r in rows if r.overshoot == r.overshoot), default=0.0)
    lines = [f"timing: {len(rows)} cues, {len(late)} late by more than one frame ({frame * 1000:.0f} ms); "
             f"largest overshoot {max(worst, 0.0):.2f} s; every cue is in timing-report.csv"]
    for r in late:
        moved = f", starts {r.start_delay:.2f} s late" if r.start_delay > frame else ""
        lines.append(f"cue {r.cue} at {stamp(r.planned_start)} ({r.track}) ends {r.overshoot:.2f} s after its cue"
                     f"{moved}: \"{r.text[:40]}\"")
    # Every move and every overlap of one speaker's lines, however small: a line never changes place silently.
    for r in rows:
        if r.note.startswith("moved"):
            lines.append(f"cue {r.cue} ({r.track}) moved from {stamp(r.planned_start)} to {stamp(r.actual_start)} "
                         f"(+{r.start_delay:.2f} s): {r.previous} of the same speaker was still speaking until "
                         f"{stamp(r.previous_end)}")
        elif r.note.startswith("overlaps"):
            lines.append(f"cue {r.cue} ({r.track}) at {stamp(r.planned_start)} starts while {r.previous} of the "
                         f"same speaker still speaks, until {stamp(r.previous_end)} ({r.note.split(' by ')[1]} "
                         "overlap); --shift moves it after, or shorten the line before")
    return lines
