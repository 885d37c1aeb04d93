"""The contract every voice backbone meets: capabilities, analyze and render.

A backbone says what it can do natively; what it cannot, the shared DSP layer does on its output. Requests and
results are frozen dataclasses, so a request can be hashed for the render cache and handed across threads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import numpy as np

from studio.core.emotion import resolve as resolve_emotion
from studio.core.model import Project, Segment, SpeakerMix, VoiceRef, Word


@dataclass(frozen=True)
class Speaker:
    id: str
    label: str


@dataclass(frozen=True)
class Capabilities:
    native_pitch: bool
    native_energy: bool
    native_duration: bool
    speakers: tuple[Speaker, ...]
    can_mix: bool  # mixes speakers natively (embeddings); otherwise the DSP layer morphs renders
    emotion: str  # how emotion is realised: "dsp", "style-reference", ...
    sample_rate: int
    license: str
    commercial_use: bool
    segment_level_only: bool = False  # no phoneme alignment: edits apply to whole segments
    notes: str = ""
    commercial_note: str = ""  # e.g. "check the base voice's licence", where the answer is neither yes nor no


@dataclass(frozen=True)
class PhonemeSpec:
    """One phoneme of a request: what the voice predicted and what the user asked for."""

    symbol: str
    duration: float
    pitch: float
    energy: float
    duration_scale: float = 1.0
    pitch_st: float = 0.0
    energy_db: float = 0.0


@dataclass(frozen=True)
class WordSpec:
    text: str
    phonemes: tuple[PhonemeSpec, ...]
    emotion_intensity: float | None = None  # None follows the segment's intensity


@dataclass(frozen=True)
class RenderRequest:
    """A frozen snapshot of everything that affects one segment's sound. Its hash is the cache key."""

    backbone: str
    model: str
    model_version: str
    text: str
    words: tuple[WordSpec, ...]
    mix: tuple[tuple[str, float], ...]
    emotion: str = "neutral"
    emotion_intensity: float = 1.0
    # The emotion's preset values (core.emotion.EmotionPreset as items): editing a preset changes the hash.
    emotion_preset: tuple[tuple[str, float], ...] = ()
    seed: int = 0
    sample_rate: int = 22050
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def key(self) -> str:
        blob = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def phonemes(self) -> list[PhonemeSpec]:
        return [p for w in self.words for p in w.phonemes]

    @property
    def has_edits(self) -> bool:
        return any(p.duration_scale != 1.0 or p.pitch_st != 0.0 or p.energy_db != 0.0 for p in self.phonemes())


@dataclass(frozen=True)
class RenderResult:
    audio: np.ndarray  # float32 mono in [-1, 1]
    sample_rate: int
    # Sample index where each phoneme starts, plus one final entry for the end of the last phoneme.
    boundaries: tuple[int, ...]
    notes: tuple[str, ...] = ()  # things the user should know, e.g. "Griffin-Lim vocoder used"

    @property
    def duration(self) -> float:
        return len(self.audio) / self.sample_rate


class Backbone:
    """Base class; see the module docstring. `analyze` returns core Words with predictions filled in."""

    name = "backbone"
    version = "0"

    def capabilities(self) -> Capabilities:
        raise NotImplementedError

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        raise NotImplementedError

    def render(self, request: RenderRequest) -> RenderResult:
        raise NotImplementedError

    def needs_morph(self, mix: tuple[tuple[str, float], ...]) -> bool:
        """Whether a mix of several speakers must be morphed by the DSP layer rather than mixed natively."""
        return len([n for n, w in mix if w > 0]) > 1 and not self.capabilities().can_mix


def request_for(project: Project, segment: Segment, backbone: Backbone) -> RenderRequest:
    """Snapshot a segment of a project as a render request for `backbone`."""
    track = project.track(segment.track_id)
    words = tuple(
        WordSpec(w.text, tuple(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy, p.duration_scale, p.pitch_st,
                                           p.energy_db) for p in w.phonemes), w.emotion_intensity)
        for w in segment.words)
    mix = project.effective_mix(segment)
    try:
        preset = resolve_emotion(segment.emotion.name, project.emotion_presets)
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]}; pick another emotion or define the preset.") from None
    return RenderRequest(
        backbone=track.voice.backbone, model=track.voice.model, model_version=backbone.version, text=segment.text,
        words=words, mix=mix.weights, emotion=segment.emotion.name, emotion_intensity=segment.emotion.intensity,
        emotion_preset=tuple(preset.as_dict().items()), seed=segment.seed,
        sample_rate=backbone.capabilities().sample_rate)
