"""Text or SSML in, audio and alignment out: the pipeline behind `studio say`.

The input becomes a project (one segment per sentence; SSML voices become tracks), each segment is analysed and
rendered by its voice, and the renders are laid end to end with a reader's pause between sentences. If a Coqui
model cannot be had (offline, a bad folder, an unsafe checkpoint), the embedded voice speaks instead and the
reason is returned as a note, as are SSML warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.core.analysis import AnalysisError
from studio.core.model import Project, Segment, SpeakerMix, Track, new_id
from studio.core.script import split_sentences
from studio.interchange import ssml
from studio.engine.coqui.loading import ModelError
from studio.engine.render import render_segment
from studio.engine.voices import VoiceRegistry, parse_voice
from studio.interchange.alignment import PlacedSegment

SENTENCE_GAP_S = 0.3
MAX_SAY_CHARS = 20_000  # about 15 minutes of speech; longer texts belong in a script file for `studio render`


@dataclass
class Spoken:
    audio: np.ndarray
    sample_rate: int
    placed: list[PlacedSegment]
    project: Project
    notes: list[str] = field(default_factory=list)


def open_voice(voice: str | None, registry: VoiceRegistry, notes: list[str]):
    """(voice ref, default mix, backbone), falling back to the embedded voice with a note."""
    ref, mix = parse_voice(voice)
    try:
        backbone = registry.backbone(ref)
    except ModelError as exc:
        notes.append(f"{exc} Speaking with the embedded voice instead.")
        ref, mix = parse_voice(None)
        backbone = registry.backbone(ref)
    caps = backbone.capabilities()
    if not caps.commercial_use:
        notes.append(f"This model's license ({caps.license}) does not allow commercial use; check it before you "
                     "publish the audio.")
    if mix.is_empty and caps.speakers:
        mix = SpeakerMix.single(caps.speakers[0].id)
    return ref, mix, backbone


def build(text: str, voice: str | None, registry: VoiceRegistry, notes: list[str]) -> Project:
    """A project for plain text or SSML (text starting with <speak)."""
    ref, mix, backbone = open_voice(voice, registry, notes)
    if ssml.looks_like_ssml(text):
        sentences, warnings = ssml.parse(text)
        if not sentences:
            raise AnalysisError("The SSML has no text to speak.")
        speakers = [s.id for s in backbone.capabilities().speakers]
        project = ssml.to_project(sentences, registry, ref, speakers, mix, warnings)
        notes.extend(f"SSML: {w}" for w in warnings)
        return project
    sentences = split_sentences(text)
    if not sentences:
        raise AnalysisError("There is no text to speak; give some words.")
    track = Track(new_id(), "Voice", ref, mix)
    project = Project(tracks=[track])
    for sentence in sentences:
        project.segments.append(Segment(new_id(), sentence, track.id, backbone.analyze(sentence, ref, mix)))
    return project


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


def speak(text: str, voice: str | None, registry: VoiceRegistry) -> Spoken:
    if len(text) > MAX_SAY_CHARS:
        raise AnalysisError(f"The text has {len(text):,} characters, more than {MAX_SAY_CHARS:,}; save it as a "
                            "script file and use 'studio render' instead.")
    notes: list[str] = []
    project = build(text, voice, registry, notes)
    return render_in_sequence(project, registry, notes)
