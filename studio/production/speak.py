"""Text or SSML in, audio and alignment out: the pipeline behind `studio say`.

The input becomes a project (one segment per sentence; SSML voices become tracks), each segment is analysed and
rendered by its voice, and the renders are laid end to end with a reader's pause between sentences. If a Coqui
model cannot be had (offline, a bad folder, an unsafe checkpoint), the embedded voice speaks instead and the
reason is returned as a note, as are SSML warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.core.analysis import AnalysisError, analyze_all
from studio.core.lines import Line
from studio.core.model import Project, SpeakerMix
from studio.core.script import split_sentences
from studio.engine.render.pipeline import render_segment
from studio.engine.voices.registry import VoiceRegistry
from studio.interchange import ssml
from studio.interchange.alignment import PlacedSegment

from studio.production.casting import Casting, open_voice  # noqa: F401 - open_voice is part of this module's API
from studio.production.importing import build_project
from studio.production.inputs import build_ssml, cast_by, read_aloud

SENTENCE_GAP_S = 0.3
MAX_SAY_CHARS = 20_000  # about 15 minutes of speech; longer texts belong in a script file for `studio render`


@dataclass
class Spoken:
    audio: np.ndarray
    sample_rate: int
    placed: list[PlacedSegment]
    project: Project
    notes: list[str] = field(default_factory=list)


def build(text: str, voice: str | None, registry: VoiceRegistry, notes: list[str],
          voice_map: dict[str, str] | None = None, language: str = "en") -> Project:
    """A project for plain text or SSML (a document whose root is <speak>, XML declaration allowed)."""
    casting = Casting(registry, voice, notes, voice_map, language)
    if ssml.looks_like_ssml(text):
        return build_ssml(text, casting, registry, notes)
    if not split_sentences(text):
        raise AnalysisError("There is no text to speak; give some words.")
    lines = [Line(None, sentence) for sentence in split_sentences(text, casting.language)]
    return build_project(lines, registry, cast=cast_by(casting, default_name="Voice"), spoken=read_aloud)


def render_in_sequence(project: Project, registry: VoiceRegistry, notes: list[str]) -> Spoken:
    chunks, placed, offset, rate = [], [], 0, None
    for i, seg in enumerate(project.segments):
        result = render_segment(project, seg, registry)
        if rate is not None and result.sample_rate != rate:
            raise AnalysisError("The voices of this text run at different sample rates; use one voice per file.")
        rate = result.sample_rate
        notes.extend(n for n in result.notes if n not in notes)
        # Voices end a sentence without a pause of their own; a reader leaves one between sentences.
        gap_s = seg.gap_before if seg.gap_before is not None else (SENTENCE_GAP_S if i else 0.0)
        if gap_s:
            gap = np.zeros(int(round(gap_s * rate)), dtype=np.float32)
            chunks.append(gap)
            offset += len(gap)
        chunks.append(result.audio)
        placed.append(PlacedSegment(seg, project.track(seg.track_id).name, offset, result.boundaries))
        offset += len(result.audio)
    return Spoken(np.concatenate(chunks).astype(np.float32), rate, placed, project, notes)


def set_mix(project: Project, mix: SpeakerMix, registry: VoiceRegistry) -> None:
    """Every track speaks `mix` of its voice's speakers; segments are analysed again with it."""
    for track in project.tracks:
        known = {s.id for s in registry.backbone(track.voice).capabilities().speakers}
        unknown = [n for n, _ in mix.weights if n not in known]
        if unknown:
            raise AnalysisError(f"The voice {track.voice.model} has no speaker {', '.join(unknown)}; choose from "
                                f"{', '.join(sorted(known))}.")
        track.mix = mix
        segments = project.segments_of(track.id)
        for seg, words in zip(segments, analyze_all(registry, [(seg.text, track.voice, mix) for seg in segments])):
            seg.words = words


def apply_guide(project: Project, recording: str, registry: VoiceRegistry) -> None:
    """Copy a recording's timing, intonation and level onto every segment (read one after another in it).
    Raises AlignmentError (a ValueError) with one sentence; the project is unchanged then."""
    from studio.engine.guide.alignment import read_recording
    from studio.engine.guide.plan import guide_command

    audio, rate = read_recording(recording)
    guide_command(project, [s.id for s in project.segments], audio, rate, registry).redo(project)


def speak(text: str, voice: str | None, registry: VoiceRegistry, voice_map: dict[str, str] | None = None,
          language: str = "en", mix: SpeakerMix | None = None, guide: str | None = None) -> Spoken:
    if len(text) > MAX_SAY_CHARS:
        raise AnalysisError(f"The text has {len(text):,} characters, more than {MAX_SAY_CHARS:,}; save it as a "
                            "script file and use 'studio render' instead.")
    notes: list[str] = []
    project = build(text, voice, registry, notes, voice_map, language)
    if mix is not None and not mix.is_empty:
        set_mix(project, mix, registry)
    if guide:
        apply_guide(project, guide, registry)
    return render_in_sequence(project, registry, notes)
