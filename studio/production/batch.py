"""`studio render`: a script, subtitles, SSML or project in; stems, mix, clips, timing files and a report out.

Output folder:
    mix.wav, stems/<track>.wav (equal length, sample-aligned to the project start, summing to the mix),
    clips/<timecode>_<track>.wav (each line from its first phoneme), alignment.json, subtitles.srt, subtitles.vtt
    (sound descriptions and skipped lyrics kept at their cue times), labels.txt (Audacity), alignment.TextGrid
    (Praat), timeline.otio (OpenTimelineIO) and, where OTIO's adapter plugins are installed, timeline.xml (FCP 7
    XML), timeline.fcpxml and timeline.aaf; edits.ssml (the project's edits, word-level), timing-report.csv and
    loudness.json.
WAV files are 24-bit at the rate asked for (48 kHz for video), or 16-bit at the voice's native rate. Every time
in every file comes from one grid of whole samples at the output rate (engine.mixdown.grid).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from studio.core.fit import Fit, fit_segment
from studio.core.model import Project
from studio.engine.output import loudness
from studio.engine.voices.backbone import RenderResult
from studio.engine.output.master import Master, Timeline, write_files
from studio.engine.output.mixdown import Placed, grid
from studio.engine.render.pipeline import BATCH_SLICE, prefill_segments, render_segment
from studio.engine.render.scheduler import failure_reason
from studio.engine.voices.registry import VoiceRegistry
from studio.interchange.alignment import PlacedSegment, alignment_document
from studio.interchange.audio_files import write_wav
from studio.interchange.exports import (MediaFile, build_timeline, project_to_ssml, timecode, track_labels,
                                        track_names, write_labels, write_textgrid, write_timelines)
from studio.interchange.subtitles import write_srt, write_vtt

from studio.production import report
from studio.production.credentials.manifest import Declaration
from studio.production.credentials.sign import Signing
from studio.production.inputs import Script

FIT_MODES = ("compress", "both", "none")
MISS_TOLERANCE_S = 0.02
CLIP_TAIL_S = 0.2  # a clip keeps this much of the voice's release after its last phoneme


@dataclass
class Rendered:
    project: Project
    rate: int
    placed: list[PlacedSegment]
    failed: dict[str, str] = field(default_factory=dict)
    fits: list[Fit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    timings: list[report.CueTiming] = field(default_factory=list)
    loudness: dict[str, loudness.Measured] = field(default_factory=dict)


def parse_rate(value: str) -> int:
    """--rate: 48000, 48k or 44.1k, within what WAV files and resamplers handle."""
    v = value.strip().lower()
    try:
        rate = round(float(v[:-1]) * 1000) if v.endswith("k") else int(v)
    except (ValueError, OverflowError):
        raise ValueError(f"--rate {value} is not a sample rate; write e.g. 48000 or 48k.") from None
    if not 8000 <= rate <= 192000:
        raise ValueError(f"--rate {value} is outside 8000..192000 Hz; video uses 48000.")
    return rate


def fit_project(project: Project, fit: bool | str = "compress") -> list[Fit]:
    """Fit the segments that have a slot (see render_project), changing the project; the fits made."""
    mode = {True: "both", False: "none"}.get(fit, fit) if isinstance(fit, bool) else fit
    fits: list[Fit] = []
    if mode != "none":
        for seg in project.segments:
            if seg.slot:
                result = fit_segment(project, seg)
                if mode == "compress" and result.before <= result.target:
                    continue
                if result.command is not None:
                    result.command.redo(project)
                fits.append(result)
    return fits


def render_project(project: Project, registry: VoiceRegistry, fit: bool | str = "compress",
                   progress: Callable[[int, int], None] | None = None, batched: bool = False
                   ) -> tuple[dict[str, RenderResult], Rendered]:
    """Render every segment. Segments with a slot are fitted first: "compress" speeds up lines longer than their
    slot (within a natural rate) and leaves shorter ones alone; "both" also slows short lines to fill it (the
    old --fit); "none" leaves every line as the voice says it."""
    out = Rendered(project, 0, [], fits=fit_project(project, fit))
    results: dict[str, RenderResult] = {}
    for i, seg in enumerate(project.segments):
        if batched and i % BATCH_SLICE == 0:
            # On a GPU the model runs a slice of segments in padded batches first (engine.render.prefill).
            prefill_segments(project, project.segments[i:i + BATCH_SLICE], registry)
        try:
            result = render_segment(project, seg, registry)
            if not np.all(np.isfinite(result.audio)):
                raise ValueError("The voice returned invalid audio (NaN) for this segment")
            results[seg.id] = result
            out.notes.extend(n for n in result.notes if n not in out.notes)
        except Exception as exc:  # noqa: BLE001 - one failed line must not stop the batch
            out.failed[seg.id] = failure_reason(exc)
        if progress:
            progress(i + 1, len(project.segments))
    return results, out


def _subtitle_entries(done: Rendered, doc: dict, script: Script | None) -> list[tuple[float, float, str, str]]:
    """Rendered lines at their rendered times, plus the cues that were not spoken at their own times."""
    shown = []
    # A speaker's name is written where the file named one, or where a project has more than one track: an
    # unlabelled file's cues are not all signed by the default track.
    named = len(done.project.tracks) > 1
    for placed, entry in zip(done.placed, doc["segments"]):
        info = script.cues.get(placed.segment.id) if script else None
        who = entry["track"] if (info.labelled if info else named) else ""
        shown.append((entry["start"], entry["end"], who, info.display if info else entry["text"]))
    for cue in (script.unspoken if script else []):
        shown.append((cue.start, cue.end, "", cue.display))  # nobody speaks a sound or a skipped song
    return sorted(shown, key=lambda e: (e[0], e[1]))


def write_outputs(out_dir: Path, results: dict[str, RenderResult], done: Rendered, rate: int | None,
                  script: Script | None = None, shift: bool = False, frame: float = 1 / 25,
                  loudness_target: float | None = None, final_dir: Path | None = None,
                  signing: Signing | None = None, declaration: Declaration | None = None) -> None:
    """Write every output into out_dir. Timelines name their media by absolute path: under final_dir, where
    out_dir will be renamed to once complete (production.outdir), or out_dir itself. With `signing` on, every
    WAV (mix, stems, clips) carries content credentials declaring `declaration`, signed once it is complete."""
    project = done.project
    final = (final_dir or out_dir).resolve()

    def media(path: Path) -> Path:
        return final / path.relative_to(out_dir)
    script = script or Script(project, "project")
    if not results:
        raise ValueError("No segment could be rendered, so there is nothing to write.")
    native = next(iter(results.values())).sample_rate
    rate = rate or native
    subtype = "PCM_24" if rate != native or rate >= 44100 else "PCM_16"
    done.rate = rate
    placed = grid(project, results, rate, shift=shift)
    # Stems and mix stream to disk in blocks (engine.output.master): memory follows the speech, not the timeline.
    timeline = Timeline(project, placed, rate)
    master = Master(timeline, loudness_target)
    if loudness_target is not None and not np.isfinite(master.measured_lufs):
        done.notes.append("The mix is too short to measure its loudness (under 0.4 s); it was only limited.")
    (out_dir / "stems").mkdir(parents=True, exist_ok=True)
    (out_dir / "clips").mkdir(parents=True, exist_ok=True)
    names, labels = track_names(project), track_labels(project)
    stem_paths = {t.id: out_dir / "stems" / f"{names[t.id]}.wav" for t in project.tracks}
    measured = write_files(master, stem_paths, out_dir / "mix.wav", subtype)
    stem_files: dict[str, MediaFile] = {}
    for track in project.tracks:
        path = stem_paths[track.id]
        stem_files[labels[track.id]] = MediaFile(media(path), timeline.length)
        done.loudness[f"stems/{names[track.id]}.wav"] = measured[path]
    done.loudness["mix.wav"] = measured[out_dir / "mix.wav"]
    duration = timeline.length / rate
    clip_files: dict[str, MediaFile] = {}
    clip_paths: set[Path] = set()  # a set, not a scan of clip_files: an hour has hundreds of lines
    to_sign: list[tuple[Path, str, set[str] | None]] = [(out_dir / "mix.wav", "the mix", None)]
    to_sign += [(stem_paths[t.id], f"the stem of track {labels[t.id]}", {t.id}) for t in project.tracks]
    for number, seg in enumerate(project.segments, 1):
        p: Placed | None = placed.get(seg.id)
        if p is None:
            continue
        done.placed.append(PlacedSegment(seg, labels[seg.track_id], p.offset, p.boundaries))
        # The clip is the line with the loudness gain it has in the stem, from its first phoneme to a short
        # release; the timeline gives it exactly its length.
        a, b = p.boundaries[0], min(p.length, p.boundaries[-1] + int(CLIP_TAIL_S * rate))
        audio = p.audio[a:b] * master.curve(p.offset + a, p.offset + b)
        clip = out_dir / "clips" / f"{timecode(p.start / rate)}_{names[seg.track_id]}.wav"
        while clip in clip_paths:  # two lines of a speaker starting within the same millisecond
            clip = clip.with_name(clip.stem + "_.wav")
        clip_paths.add(clip)
        write_wav(clip, audio, rate, subtype)
        to_sign.append((clip, f"the clip of line {number} ({labels[seg.track_id]})", {seg.track_id}))
        clip_files[seg.id] = MediaFile(media(clip), len(audio))
    if signing is not None and signing.on and declaration is not None:
        for path, part, tracks in to_sign:
            signing.sign(path, declaration if tracks is None else declaration.for_tracks(tracks), part)
    doc = alignment_document(done.placed, rate, audio="mix.wav")
    (out_dir / "alignment.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    cues = _subtitle_entries(done, doc, script)
    write_srt(out_dir / "subtitles.srt", cues)
    write_vtt(out_dir / "subtitles.vtt", cues)
    write_labels(out_dir / "labels.txt", done.placed, rate)
    order = [labels[t.id] for t in project.tracks]
    write_textgrid(out_dir / "alignment.TextGrid", done.placed, rate, duration, order)
    timeline = build_timeline(done.placed, rate, clip_files, stem_files, project.title, final, order)
    done.files.extend(write_timelines(out_dir, timeline, done.notes, 1 / frame))
    (out_dir / "edits.ssml").write_text(project_to_ssml(project), encoding="utf-8")
    done.timings = report.timings(script, placed, rate, {f.segment_id: f for f in done.fits}, done.failed, frame)
    report.write_csv(out_dir / "timing-report.csv", done.timings)
    (out_dir / "loudness.json").write_text(json.dumps(
        {"target_lufs": loudness_target, "true_peak_ceiling_dbtp": loudness.TRUE_PEAK_CEILING_DB,
         "files": {k: {"integrated_lufs": None if not np.isfinite(m.lufs) else round(m.lufs, 2),
                       "true_peak_dbtp": None if not np.isfinite(m.true_peak_db) else round(m.true_peak_db, 2)}
                   for k, m in done.loudness.items()}}, indent=1), encoding="utf-8")
