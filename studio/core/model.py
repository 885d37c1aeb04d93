"""The document: Project -> Tracks and Segments -> Words -> Phonemes.

Everything here is plain data. The model keeps the voice's prediction and the user's edits side by side, and
edits are stored as deltas from the prediction (a duration scale, a pitch offset in semitones, an energy offset
in dB) so that they survive a change of voice or model. Commands in `commands/` are the only code that mutates
a document the editor is showing.

Segments are kept in script order on the project, each naming its track; a track's segments are
`project.segments_of(track_id)`. One ordered list keeps dialogue order (who speaks after whom) without a
second structure to keep in sync.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field

PAUSE = "_"  # phoneme symbol of a pause; a pause is a word with empty text holding one PAUSE phoneme

EMOTIONS = ("neutral", "happy", "sad", "angry", "calm", "surprised", "fearful", "whisper")
MAX_EMOTION_INTENSITY = 2.0  # 1 is the preset as documented; up to 2 exaggerates it
# Bounds on edits: wide enough for any sensible use, narrow enough that DSP and models stay stable.
PITCH_LIMIT_ST = 24.0
ENERGY_LIMIT_DB = 24.0
DURATION_SCALE_RANGE = (0.1, 10.0)
SPEED_RANGE = (0.25, 4.0)
INTONATION_RANGE = (0.0, 3.0)
MAX_PAUSE_S = 10.0
MAX_TIMELINE_S = 24 * 3600  # a project lasts at most a day: longer is a typo in a time, not a production


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def clamp(value: float, lo: float, hi: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return min(hi, max(lo, value))


@dataclass
class Phoneme:
    symbol: str
    duration: float  # predicted, seconds
    pitch: float = 0.0  # predicted F0 in Hz; 0 means unvoiced
    energy: float = 0.0  # predicted loudness in dB (RMS relative to full scale)
    # The user's deltas from the prediction.
    duration_scale: float = 1.0
    pitch_st: float = 0.0
    energy_db: float = 0.0
    locked: bool = False  # fit-to-slot leaves locked phonemes alone

    @property
    def is_pause(self) -> bool:
        return self.symbol == PAUSE

    @property
    def edited(self) -> bool:
        return self.duration_scale != 1.0 or self.pitch_st != 0.0 or self.energy_db != 0.0

    @property
    def target_duration(self) -> float:
        return self.duration * self.duration_scale


@dataclass
class Word:
    text: str  # empty for a pause
    phonemes: list[Phoneme] = field(default_factory=list)
    # Emotion intensity of this word when the segment's emotion varies word by word; None follows the segment.
    emotion_intensity: float | None = None

    @property
    def is_pause(self) -> bool:
        return not self.text and all(p.is_pause for p in self.phonemes)


@dataclass(frozen=True)
class SpeakerMix:
    """Weights over a voice's speakers. Stored normalized, sorted by speaker id, so equal mixes compare equal."""

    weights: tuple[tuple[str, float], ...] = ()

    @staticmethod
    def of(weights: dict[str, float] | tuple[tuple[str, float], ...] | list) -> "SpeakerMix":
        items = dict(weights).items() if not isinstance(weights, dict) else weights.items()
        cleaned = {}
        for name, w in items:
            w = float(w)
            if not math.isfinite(w) or w < 0:
                raise ValueError(f"the weight of '{name}' must be a number of zero or more, not {w!r}")
            if w > 0:
                cleaned[str(name)] = cleaned.get(str(name), 0.0) + w
        if not cleaned:
            return SpeakerMix(())
        # Scale by the largest first: weights of 1e308 would sum to infinity (every share 0), and weights of
        # 1e-320 lose their precision; relative to the largest, every share is between 0 and 1.
        top = max(cleaned.values())
        if not math.isfinite(top):  # two finite weights can add up to infinity above
            raise ValueError("the weights are too large to add up; use shares such as 0.3 and 0.7")
        scaled = {k: v / top for k, v in cleaned.items()}
        total = sum(scaled.values())
        return SpeakerMix(tuple(sorted((k, v / total) for k, v in scaled.items() if v / total > 0)))

    @staticmethod
    def single(speaker: str) -> "SpeakerMix":
        return SpeakerMix(((speaker, 1.0),))

    def as_dict(self) -> dict[str, float]:
        return dict(self.weights)

    @property
    def is_empty(self) -> bool:
        return not self.weights


@dataclass(frozen=True)
class Emotion:
    name: str = "neutral"
    intensity: float = 1.0

    def __post_init__(self) -> None:
        # Built-in names are in EMOTIONS; a project may define more presets, so any short name is allowed here
        # and resolved against the presets when the segment is rendered or the project is loaded.
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 40:
            raise ValueError(f"an emotion needs a short name, such as {', '.join(EMOTIONS[:3])}")
        object.__setattr__(self, "intensity", clamp(float(self.intensity), 0.0, MAX_EMOTION_INTENSITY))


@dataclass(frozen=True)
class VoiceRef:
    """Which voice a track speaks with: a backbone ('embedded', 'coqui') and a model id within it."""

    backbone: str = "embedded"
    model: str = "espeak-ng"


@dataclass
class Track:
    id: str
    name: str
    voice: VoiceRef = field(default_factory=VoiceRef)
    mix: SpeakerMix = field(default_factory=SpeakerMix)
    gain_db: float = 0.0
    muted: bool = False
    language: str = "en"  # BCP 47 tag of what the track speaks; text in another language gets a track of its own


@dataclass(frozen=True)
class LineControls:
    """Per-line controls, as in VOICEVOX: applied on top of the phoneme edits when the line is rendered."""

    speed: float = 1.0  # >1 speaks faster; every phoneme's duration is divided by it
    volume_db: float = 0.0
    pitch_st: float = 0.0  # shifts the whole line
    intonation: float = 1.0  # scales the pitch movement around the line's mean (0 = monotone)

    def __post_init__(self) -> None:
        object.__setattr__(self, "speed", clamp(float(self.speed), *SPEED_RANGE))
        object.__setattr__(self, "volume_db", clamp(float(self.volume_db), -ENERGY_LIMIT_DB, ENERGY_LIMIT_DB))
        object.__setattr__(self, "pitch_st", clamp(float(self.pitch_st), -PITCH_LIMIT_ST, PITCH_LIMIT_ST))
        object.__setattr__(self, "intonation", clamp(float(self.intonation), *INTONATION_RANGE))

    @property
    def is_default(self) -> bool:
        return self == LineControls()


@dataclass(frozen=True)
class PauseSettings:
    """Pause lengths in seconds by punctuation, a project setting. `comma` None keeps the voice's own pause."""

    comma: float | None = None
    sentence: float = 0.3
    question: float = 0.3
    paragraph: float = 0.8

    def __post_init__(self) -> None:
        for name in ("sentence", "question", "paragraph"):
            object.__setattr__(self, name, clamp(float(getattr(self, name)), 0.0, MAX_PAUSE_S))
        if self.comma is not None:
            object.__setattr__(self, "comma", clamp(float(self.comma), 0.0, MAX_PAUSE_S))


@dataclass
class Segment:
    id: str
    text: str
    track_id: str
    words: list[Word] = field(default_factory=list)
    start: float | None = None  # pinned start on the project timeline, seconds; None follows the previous segment
    gap_before: float | None = None  # silence before an unpinned segment, seconds; None is the default gap
    slot: float | None = None  # target duration for fit-to-slot (dubbing), seconds
    emotion: Emotion = field(default_factory=Emotion)
    mix: SpeakerMix | None = None  # overrides the track's mix when set
    seed: int = 0  # fixes the noise of stochastic models so a render is repeatable
    controls: LineControls = field(default_factory=LineControls)
    gap_after: float | None = None  # extra silence after the line, seconds
    paragraph_start: bool = False  # the line opens a paragraph: the paragraph pause goes before it
    # Proof flags the user dismissed: (index into words, the word's text). The text is kept so that a flag
    # dismissed on one word never silences another word that an edit of the text moved to the same index.
    proof_dismissed: tuple[tuple[int, str], ...] = ()

    def flag_dismissed(self, index: int) -> bool:
        return 0 <= index < len(self.words) and (index, self.words[index].text) in self.proof_dismissed

    def phonemes(self) -> list[Phoneme]:
        return [p for w in self.words for p in w.phonemes]

    @property
    def predicted_duration(self) -> float:
        return sum(p.duration for p in self.phonemes())

    @property
    def duration(self) -> float:
        return sum(p.target_duration for p in self.phonemes())


@dataclass(frozen=True)
class Marker:
    """A named point on the project timeline (a scene change, a retake to do); the user jumps between them."""
    time: float
    name: str


@dataclass
class Project:
    tracks: list[Track] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    # Named speaker mixes saved by the user; travels with the project file.
    voice_library: dict[str, SpeakerMix] = field(default_factory=dict)
    # The user's own emotion presets (or edited built-ins), by name; see core/emotion.py.
    emotion_presets: dict = field(default_factory=dict)
    title: str = ""
    # Voice names from other tools (an Azure "en-US-AvaNeural", a Polly "Joanna") to local voices ("en-us+f2", a
    # Coqui model, "mix:A=0.5,B=0.5"), used when SSML is imported into this project; see docs/dubbing.md.
    voice_map: dict[str, str] = field(default_factory=dict)
    # Pronunciation lexicon: word -> respelling, or IPA between slashes (core/lexicon.py).
    lexicon: dict[str, str] = field(default_factory=dict)
    pauses: PauseSettings = field(default_factory=PauseSettings)
    # The original dialogue for dubbing, shown and played under the voices; a path relative to the project file
    # where it lies beside it.
    reference_audio: str | None = None
    # The reference video for checking lines against lips and cuts (same path rule as the audio), and the video's
    # own time at project time 0, since a reel rarely starts where the dubbed scene does.
    reference_video: str | None = None
    video_offset: float = 0.0
    # Designed voices the tracks speak with (VoiceRef("design", name)), by name: kept in the project so that it
    # sounds the same on a machine whose voice library lacks them (core/design.py).
    designs: dict = field(default_factory=dict)
    # Named points on the timeline, kept sorted by time.
    markers: list[Marker] = field(default_factory=list)

    def track(self, track_id: str) -> Track:
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(f"no track with id {track_id!r}")

    def track_named(self, name: str) -> Track | None:
        return next((t for t in self.tracks if t.name == name), None)

    def segment(self, segment_id: str) -> Segment:
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(f"no segment with id {segment_id!r}")

    def segment_index(self, segment_id: str) -> int:
        for i, s in enumerate(self.segments):
            if s.id == segment_id:
                return i
        raise KeyError(f"no segment with id {segment_id!r}")

    def segments_of(self, track_id: str) -> list[Segment]:
        return [s for s in self.segments if s.track_id == track_id]

    def effective_mix(self, segment: Segment) -> SpeakerMix:
        return segment.mix if segment.mix is not None else self.track(segment.track_id).mix
