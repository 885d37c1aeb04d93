"""Text in, audio and alignment out: the pipeline behind `studio say`.

The text becomes a one-track project (one segment per sentence), each segment is analysed and rendered by the
chosen voice, and the renders are laid end to end. If a Coqui model cannot be had (offline, a bad folder, an
unsafe checkpoint), the embedded voice speaks instead and the reason is returned as a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.core.analysis import AnalysisError
from studio.core.model import Project, Segment, Track, new_id
from studio.core.script import split_sentences
from studio.interchange.alignment import PlacedSegment

from .coqui.loading import ModelError
from .render import render_segment
from .voices import EMBEDDED, VoiceRegistry, parse_voice


SENTENCE_GAP_S = 0.3


@dataclass
class Spoken:
    audio: np.ndarray
    sample_rate: int
    placed: list[PlacedSegment]
    project: Project
    notes: list[str] = field(default_factory=list)


def speak(text: str, voice: str | None, registry: VoiceRegistry) -> Spoken:
    sentences = split_sentences(text)
    if not sentences:
        raise AnalysisError("There is no text to speak; give some words.")
    ref, mix = parse_voice(voice)
    notes: list[str] = []
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
    if ref != EMBEDDED and mix.is_empty:
        speakers = caps.speakers
        if speakers:
            mix = type(mix).single(speakers[0].id)
    track = Track(new_id(), "Voice", ref, mix)
    project = Project(tracks=[track])
    for sentence in sentences:
        project.segments.append(Segment(new_id(), sentence, track.id, backbone.analyze(sentence, ref, mix)))
    chunks, placed, offset, rate = [], [], 0, None
    for i, seg in enumerate(project.segments):
        result = render_segment(project, seg, registry)
        rate = rate or result.sample_rate
        notes.extend(n for n in result.notes if n not in notes)
        if i:  # voices end a sentence without a pause of their own; a reader leaves one between sentences
            gap = np.zeros(int(SENTENCE_GAP_S * rate), dtype=np.float32)
            chunks.append(gap)
            offset += len(gap)
        chunks.append(result.audio)
        placed.append(PlacedSegment(seg, track.name, offset, result.boundaries))
        offset += len(result.audio)
    return Spoken(np.concatenate(chunks).astype(np.float32), rate, placed, project, notes)
