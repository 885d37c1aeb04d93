"""`studio render`: a script, subtitles, SSML or project in; stems, mix, clips and timing files out.

Output folder:
    mix.wav, stems/<track>.wav (equal length, sample-aligned to the project start), clips/<timecode>_<track>.wav,
    alignment.json, subtitles.srt, subtitles.vtt, labels.txt (Audacity), alignment.TextGrid (Praat),
    timeline.otio (OpenTimelineIO), edits.ssml (the project's edits, word-level).
WAV files are 24-bit at the rate asked for (48 kHz for video), or 16-bit at the voice's native rate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from studio.core.fit import Fit, fit_segment
from studio.core.model import Project
from studio.core.project_io import is_project_file
from studio.core.project_io import load as load_project
from studio.core.script import build_project
from studio.engine.backbone import RenderResult
from studio.engine.mixdown import mix, resample, stems
from studio.engine.render import render_segment
from studio.engine.scheduler import failure_reason
from studio.engine.speak import build as build_from_text
from studio.engine.speak import open_voice
from studio.engine.voices import VoiceRegistry

from .alignment import PlacedSegment, alignment_document
from .audio_files import write_wav
from .exports import project_to_ssml, safe_name, timecode, write_labels, write_otio, write_textgrid
from .subtitles import cues_to_project, read_subtitles, write_srt, write_vtt
from .text_script import read_script, read_text_file


@dataclass
class Rendered:
    project: Project
    rate: int
    placed: list[PlacedSegment]
    failed: dict[str, str] = field(default_factory=dict)
    fits: list[Fit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def load_input(path: Path, voice: str | None, registry: VoiceRegistry, notes: list[str]) -> Project:
    suffix = path.suffix.lower()
    # A project is known by its content, whatever its name: a project saved without an extension must never be
    # read aloud as a script.
    if suffix == ".json" or is_project_file(path):
        if voice:
            notes.append("--voice is ignored for a project file: each track keeps its own voice.")
        return load_project(path)
    ref, mix_, backbone = open_voice(voice, registry, notes)
    speakers = [s.id for s in backbone.capabilities().speakers]
    text = read_text_file(path)
    if suffix in (".srt", ".vtt"):
        return cues_to_project(read_subtitles(path, text), registry, ref, speakers, title=path.stem)
    if suffix == ".ssml" or text.lstrip().startswith("<speak"):
        project = build_from_text(text, voice, registry, notes)
        project.title = path.stem
        return project
    return build_project(read_script(path), registry, ref, speakers=speakers, title=path.stem)


def render_project(project: Project, registry: VoiceRegistry, fit: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> tuple[dict[str, RenderResult], Rendered]:
    out = Rendered(project, 0, [])
    if fit:
        for seg in project.segments:
            if seg.slot:
                result = fit_segment(project, seg)
                if result.command is not None:
                    result.command.redo(project)
                out.fits.append(result)
    results: dict[str, RenderResult] = {}
    for i, seg in enumerate(project.segments):
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


def write_outputs(out_dir: Path, results: dict[str, RenderResult], done: Rendered, rate: int | None) -> None:
    project = done.project
    if not results:
        raise ValueError("No segment could be rendered, so there is nothing to write.")
    native = next(iter(results.values())).sample_rate
    rate = rate or native
    subtype = "PCM_24" if rate != native or rate >= 44100 else "PCM_16"
    done.rate = rate
    track_audio, offsets = stems(project, results, rate)
    (out_dir / "stems").mkdir(parents=True, exist_ok=True)
    (out_dir / "clips").mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    stem_files: dict[str, str] = {}
    for track in project.tracks:
        name = safe_name(track.name)
        while name in names.values():
            name += "_"
        names[track.id] = name
        write_wav(out_dir / "stems" / f"{name}.wav", track_audio[track.id], rate, subtype)
        stem_files[track.name] = f"stems/{name}.wav"
    mixed = mix(track_audio)
    write_wav(out_dir / "mix.wav", mixed, rate, subtype)
    duration = len(mixed) / rate
    clip_files: dict[str, str] = {}
    for seg in project.segments:
        if seg.id not in results:
            continue
        r = results[seg.id]
        bounds = tuple(int(round(b * rate / r.sample_rate)) for b in r.boundaries)
        done.placed.append(PlacedSegment(seg, project.track(seg.track_id).name, offsets[seg.id], bounds))
        start_s = (offsets[seg.id] + bounds[0]) / rate
        clip = f"clips/{timecode(start_s)}_{names[seg.track_id]}.wav"
        audio = resample(r.audio, r.sample_rate, rate)[bounds[0]:]
        write_wav(out_dir / clip, audio, rate, subtype)
        clip_files[seg.id] = clip
    doc = alignment_document(done.placed, rate)
    (out_dir / "alignment.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    cues = [(s["start"], s["end"], s["track"], s["text"]) for s in doc["segments"]]
    write_srt(out_dir / "subtitles.srt", cues)
    write_vtt(out_dir / "subtitles.vtt", cues)
    write_labels(out_dir / "labels.txt", done.placed, rate)
    write_textgrid(out_dir / "alignment.TextGrid", done.placed, rate, duration)
    write_otio(out_dir / "timeline.otio", done.placed, rate, clip_files, stem_files, duration, project.title)
    (out_dir / "edits.ssml").write_text(project_to_ssml(project), encoding="utf-8")
