"""The contract every voice backbone meets: capabilities, analyze and render.

A backbone says what it can do natively; what it cannot, the shared DSP layer does on its output. Requests and
results are frozen dataclasses, so a request can be hashed for the render cache and handed across threads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from studio.core import lexicon as lex
from studio.core.emotion import resolve as resolve_emotion
from studio.core.line_prosody import effective_edits
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
    # What a lexicon entry may hand the voice's front-end as phonemes: "espeak" (espeak-ng phoneme input), "ipa"
    # (put straight into the phoneme sequence) or None (respellings only).
    phoneme_input: str | None = None
    # Re-renders only the stretch an edit changed when a request carries WINDOWED: the editor asks for it, exports
    # do not, and the two are cached apart.
    windowed_render: bool = False
    any_language: bool = False  # speaks any language, each with a speaker of its own (espeak-ng)


WINDOWED = ("windowed", "1")  # the request option that asks for a windowed re-render


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

    def mix_options(self, mix: tuple[tuple[str, float], ...]) -> tuple[tuple[str, str], ...]:
        """Request options that identify the other voices a mix names (their versions), so that the cache key
        changes when one of them does. A backbone that mixes only its own speakers has none."""
        return ()


def spoken_text(text: str, lexicon: dict[str, str], backbone: Backbone) -> tuple[str, list]:
    """The text a voice is given once the pronunciation lexicon is applied: IPA entries go in as the phonemes its
    front-end takes (Capabilities.phoneme_input), where it takes any; otherwise respellings only."""
    return lex.apply(text, lexicon, phoneme_input=backbone.capabilities().phoneme_input or False)


def for_editing(request: RenderRequest, backbone: Backbone) -> RenderRequest:
    """The request as the editor sends it: windowed where the voice can re-render only what an edit changed."""
    if backbone.capabilities().windowed_render:
        return replace(request, options=request.options + (WINDOWED,))
    return request


def on_gpu(backbone) -> bool:
    """Whether the backbone's model runs on a CUDA device: where padded batches pay (one segment at a time leaves
    the card waiting on kernel launches; on the 2-core CPU here they measured slower, docs/performance.md)."""
    return str(getattr(backbone, "device", "cpu")).startswith("cuda")


class LexiconAnalyzer:
    """An Analyzer that applies a pronunciation lexicon before the voice analyses a text, and gives the words
    back the spelling the user wrote. `entries` is called at each analysis, so lexicon edits take effect at the
    next one."""

    def __init__(self, inner, entries):
        self.inner, self.entries = inner, entries

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        spoken, replaced = spoken_text(text, self.entries(), self.inner.backbone(voice))
        return lex.restore_words(self.inner.analyze(spoken, voice, mix), replaced)

    def prepare(self, items: list[tuple[str, VoiceRef, SpeakerMix]]) -> None:
        """The inner analyzer's `prepare` (see core.analysis.prepare) on the texts the voice will read."""
        if hasattr(self.inner, "prepare"):
            entries = self.entries()
            self.inner.prepare([(self._spoken(t, entries, v), v, m) for t, v, m in items])

    def _spoken(self, text: str, entries: dict[str, str], voice: VoiceRef) -> str:
        try:
            backbone = self.inner.backbone(voice)
        except Exception:  # noqa: BLE001 - a voice that cannot load is reported by `analyze`, as without a lexicon
            return text
        return spoken_text(text, entries, backbone)[0]


def request_for(project: Project, segment: Segment, backbone: Backbone,
                lexicon: dict[str, str] | None = None) -> RenderRequest:
    """Snapshot a segment of a project as a render request for `backbone`. The line's controls and the comma
    pause are folded into the phonemes' edits; `lexicon` (default: the project's) rewrites the text the voice
    reads, as it did when the segment was analysed."""
    track = project.track(segment.track_id)
    edits = iter(effective_edits(project, segment))
    words = []
    for w in segment.words:
        specs = []
        for p in w.phonemes:
            scale, pitch, energy = next(edits)
            specs.append(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy, scale, pitch, energy))
        words.append(WordSpec(w.text, tuple(specs), w.emotion_intensity))
    mix = project.effective_mix(segment)
    try:
        preset = resolve_emotion(segment.emotion.name, project.emotion_presets)
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]}; pick another emotion or define the preset.") from None
    text, _ = spoken_text(segment.text, project.lexicon if lexicon is None else lexicon, backbone)
    return RenderRequest(
        backbone=track.voice.backbone, model=track.voice.model, model_version=backbone.version, text=text,
        words=tuple(words), mix=mix.weights, emotion=segment.emotion.name, emotion_intensity=segment.emotion.intensity,
        emotion_preset=tuple(preset.as_dict().items()), seed=segment.seed,
        sample_rate=backbone.capabilities().sample_rate, options=backbone.mix_options(mix.weights))
