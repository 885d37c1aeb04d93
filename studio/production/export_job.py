"""The editor's export: what to write, where, at what rate, depth and loudness, for the project or a selection.

`plan` lists the files an export will write, so the dialog can refuse to overwrite; `run_export` renders (reusing
the editor's cache where it can), then writes, reporting progress and stopping between steps when cancelled.
No Qt here: the dialog runs this on a worker thread.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Callable

import numpy as np

from studio.core.errors import UserError
from studio.core.lexicon import merged
from studio.core.model import Project
from studio.core.timeline import layout
from studio.engine.voices.backbone import RenderResult
from studio.engine.output.master import Master, Timeline, write_files
from studio.engine.errors import OutputError
from studio.engine.output.mixdown import grid
from studio.interchange.alignment import PlacedSegment, alignment_document
from studio.interchange.audio_files import write_wav
from studio.interchange.exports import (MediaFile, build_timeline, safe_name, timecode, track_labels, track_names,
                                        write_labels, write_textgrid, write_timelines)
from studio.interchange.subtitles import write_srt, write_vtt

from studio.production.credentials.manifest import Declaration
from studio.production.credentials.sign import Signing

SUBTYPES = {16: "PCM_16", 24: "PCM_24", 32: "FLOAT"}
LINE_FIELDS = ("index", "track", "text", "start", "id")


@dataclass(frozen=True)
class ExportSettings:
    folder: str = ""
    sample_rate: int = 48000  # 0 keeps the voice's own rate
    bit_depth: int = 24
    mix: bool = True
    stems: bool = True
    lines: bool = False
    line_pattern: str = "{index}_{track}_{text}"
    line_text: bool = True  # a .txt of the line beside each line file
    subtitles: bool = True
    textgrid: bool = False
    labels: bool = False
    otio: bool = False
    alignment: bool = False
    loudness_lufs: float | None = None  # None leaves levels as they are
    overwrite: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @staticmethod
    def from_json(text: str | None, **overrides) -> "ExportSettings":
        """Settings saved earlier; unknown or broken fields fall back to the defaults."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        known = {f.name for f in fields(ExportSettings)}
        data = {k: v for k, v in (data if isinstance(data, dict) else {}).items() if k in known}
        data.update(overrides)
        return ExportSettings(**data)


class ExportCancelled(Exception):
    pass


class ExportError(UserError):
    """One sentence for the user."""


def check_pattern(pattern: str) -> None:
    names = set(re.findall(r"{(\w+)", pattern))
    if not pattern.strip() or not names & {"index", "text", "start", "id"}:
        raise ExportError("The line file name needs {index}, {text}, {start} or {id}, so that every line gets its "
                          "own file.")
    unknown = names - set(LINE_FIELDS)
    if unknown:
        raise ExportError(f"The line file name has an unknown field {{{sorted(unknown)[0]}}}; use "
                          + ", ".join(f"{{{f}}}" for f in LINE_FIELDS) + ".")


def line_names(project: Project, pattern: str) -> dict[str, str]:
    """A unique file stem per segment from the naming pattern."""
    check_pattern(pattern)
    starts = {p.segment_id: p.start for p in layout(project)}
    width = max(3, len(str(len(project.segments))))
    out: dict[str, str] = {}
    used: set[str] = set()
    for i, seg in enumerate(project.segments, 1):
        words = "_".join(seg.text.split()[:8])
        stem = pattern.format(index=str(i).zfill(width), track=safe_name(project.track(seg.track_id).name),
                              text=safe_name(words)[:40], start=timecode(starts[seg.id]), id=seg.id)
        stem = "".join(c if c.isalnum() or c in "-_.{}" else "_" for c in stem).strip("._") or f"line{i}"
        base, n = stem, 2
        while stem.lower() in used:
            stem, n = f"{base}_{n}", n + 1
        used.add(stem.lower())
        out[seg.id] = stem
    return out


def plan(project: Project, s: ExportSettings) -> list[str]:
    """The files (relative to the folder) that an export with these settings writes."""
    files: list[str] = []
    if s.mix:
        files.append("mix.wav")
    if s.stems:
        files += [f"stems/{n}.wav" for n in track_names(project).values()]
    if s.lines:
        for stem in line_names(project, s.line_pattern).values():
            files.append(f"lines/{stem}.wav")
            if s.line_text:
                files.append(f"lines/{stem}.txt")
    if s.subtitles:
        files += ["subtitles.srt", "subtitles.vtt"]
    for flag, name in ((s.textgrid, "alignment.TextGrid"), (s.labels, "labels.txt"), (s.otio, "timeline.otio"),
                       (s.alignment, "alignment.json")):
        if flag:
            files.append(name)
    return files


def selection_project(project: Project, segment_ids: list[str] | None, global_lexicon: dict | None) -> Project:
    """A copy to export: the chosen lines at their places (shifted so the first starts at 0), and the user's
    global pronunciations merged under the project's, as the editor renders them."""
    out = copy.deepcopy(project)
    out.lexicon = merged(project.lexicon, global_lexicon)
    if segment_ids:
        keep = set(segment_ids)
        places = {p.segment_id: p.start for p in layout(project)}
        first = min(places[i] for i in keep)
        out.segments = [s for s in out.segments if s.id in keep]
        for s in out.segments:
            s.start = places[s.id] - first  # keep their timing relative to each other
        used = {s.track_id for s in out.segments}
        out.tracks = [t for t in out.tracks if t.id in used]
    return out


def run_export(project: Project, s: ExportSettings, render: Callable[[str], RenderResult],
               progress: Callable[[int, int, str], None] = lambda *_: None,
               cancelled: Callable[[], bool] = lambda: False, signing: Signing | None = None,
               declaration: Callable[[], Declaration] | None = None) -> list[Path]:
    """Render every line with `render(segment_id)` and write the chosen files. Returns the files written. With
    `signing` on, every WAV carries content credentials declaring `declaration()` (asked for once, after the
    renders, since describing the voices may load them)."""
    folder = Path(s.folder)
    if not s.folder:
        raise ExportError("Choose a folder to export into.")
    wanted = plan(project, s)
    if not wanted:
        raise ExportError("Nothing is ticked to export; choose the mix, stems, lines or a timing file.")
    existing = [f for f in wanted if (folder / f).exists()]
    if existing and not s.overwrite:
        raise ExportError(f"{len(existing)} of the files exist already (such as {existing[0]}); tick Overwrite or "
                          "choose another folder.")
    n = len(project.segments)
    steps = n + 1
    results: dict[str, RenderResult] = {}
    for i, seg in enumerate(project.segments):
        if cancelled():
            raise ExportCancelled()
        progress(i, steps, f"Rendering line {i + 1} of {n}")
        try:
            results[seg.id] = render(seg.id)
        except Exception as exc:  # noqa: BLE001 - one sentence for the user
            raise ExportError(f"Line {i + 1} could not be rendered ({exc}); fix it or leave it out of the "
                              "selection.") from None
    if cancelled():
        raise ExportCancelled()
    progress(n, steps, "Writing files")
    native = next(iter(results.values())).sample_rate
    rate = s.sample_rate or native
    subtype = SUBTYPES[s.bit_depth]
    # One sample grid for every file (engine.mixdown.grid), and the loudness of `studio render`: the mix at the
    # target with its true peak limited, the same gain and limiter on the stems and the line files.
    placed_at = grid(project, results, rate)

    def check() -> None:
        if cancelled():
            raise ExportCancelled()
    try:
        # Stems and mix stream to disk in blocks (engine.output.master): memory follows the speech, not the timeline.
        timeline = Timeline(project, placed_at, rate)
        master = Master(timeline, s.loudness_lufs, check=check)
    except OutputError as exc:
        raise ExportError(str(exc)) from None
    written: list[Path] = []
    signed = signing is not None and signing.on and declaration is not None
    decl = declaration() if signed else None

    def sign(path: Path, part: str, track_ids=None) -> None:
        if signed:
            signing.sign(path, decl if track_ids is None else decl.for_tracks(track_ids), part)

    def wav(rel: str, audio: np.ndarray) -> Path:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_wav(path, audio, rate, subtype)
        written.append(path)
        return path

    names, labels = track_names(project), track_labels(project)
    stem_paths = {t.id: folder / "stems" / f"{names[t.id]}.wav" for t in project.tracks} if s.stems else {}
    for path in stem_paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    if s.mix:
        folder.mkdir(parents=True, exist_ok=True)
    if stem_paths or s.mix:
        write_files(master, stem_paths, folder / "mix.wav" if s.mix else None, subtype, check)
        if s.mix:
            sign(folder / "mix.wav", "the mix")
        for track in project.tracks:
            if track.id in stem_paths:
                sign(stem_paths[track.id], f"the stem of track {labels[track.id]}", {track.id})
    written += ([folder / "mix.wav"] if s.mix else []) + list(stem_paths.values())
    stem_files = {labels[t]: MediaFile(path.resolve(), timeline.length) for t, path in stem_paths.items()}
    placed = [PlacedSegment(seg, labels[seg.track_id], placed_at[seg.id].offset,
                            placed_at[seg.id].boundaries) for seg in project.segments if seg.id in placed_at]
    clip_files: dict[str, MediaFile] = {}
    if s.lines:
        for seg_id, stem in line_names(project, s.line_pattern).items():
            if cancelled():
                raise ExportCancelled()
            p = placed_at[seg_id]
            audio = p.audio * master.curve(p.offset, p.offset + p.length)
            path = wav(f"lines/{stem}.wav", audio)
            sign(path, f"the line file {stem}", {project.segment(seg_id).track_id})
            clip_files[seg_id] = MediaFile(path.resolve(), len(audio))
            if s.line_text:
                path = folder / "lines" / f"{stem}.txt"
                path.write_text(project.segment(seg_id).text + "\n", encoding="utf-8")
                written.append(path)
    doc = alignment_document(placed, rate, audio="mix.wav" if s.mix else None)
    duration = timeline.length / rate
    if s.subtitles:
        named = len(project.tracks) > 1  # one voice: the cues are not signed with the default track's name
        cues = [(e["start"], e["end"], e["track"] if named else "", e["text"]) for e in doc["segments"]]
        write_srt(folder / "subtitles.srt", cues)
        write_vtt(folder / "subtitles.vtt", cues)
        written += [folder / "subtitles.srt", folder / "subtitles.vtt"]
    if s.textgrid:
        write_textgrid(folder / "alignment.TextGrid", placed, rate, duration,
                       [labels[t.id] for t in project.tracks])
        written.append(folder / "alignment.TextGrid")
    if s.labels:
        write_labels(folder / "labels.txt", placed, rate)
        written.append(folder / "labels.txt")
    if s.alignment:
        (folder / "alignment.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(folder / "alignment.json")
    if s.otio:
        # Line files are the clips where they are written; otherwise the stems carry the timeline.
        timeline = build_timeline(placed, rate, clip_files, stem_files, project.title, folder.resolve(),
                                  [labels[t.id] for t in project.tracks])
        notes: list[str] = []
        written += write_timelines(folder, timeline, notes)  # and FCP XML, FCPX, AAF where their plugins are
    progress(steps, steps, f"Exported {len(written)} files")
    return written
