"""SSML in: the scripting interface, and the bridge from Azure, Polly and Google.

The document is parsed with defusedxml (no entity expansion, no external fetches) into sentences, each with its
voice, its emotion and the prosody of its words; `apply_to_project` turns that into tracks, segments and
phoneme edits. Every tag or value that is not supported produces a warning and is never silently misread.
The mapping is documented in docs/ssml.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from studio.core.model import Emotion, Project, Segment, SpeakerMix, Track, VoiceRef, clamp, new_id
from studio.core.script import split_sentences

MAX_BREAK_S = 10.0
PITCH_WORDS = {"x-low": -6.0, "low": -3.0, "medium": 0.0, "default": 0.0, "high": 3.0, "x-high": 6.0}
RATE_WORDS = {"x-slow": 0.5, "slow": 0.75, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.5}
VOLUME_WORDS = {"silent": -40.0, "x-soft": -12.0, "soft": -6.0, "medium": 0.0, "default": 0.0, "loud": 6.0,
                "x-loud": 12.0}
BREAK_STRENGTH = {"none": 0.0, "x-weak": 0.1, "weak": 0.2, "medium": 0.4, "strong": 0.7, "x-strong": 1.2}
# (pitch st, energy dB, duration scale) per emphasis level.
EMPHASIS = {"strong": (2.0, 3.0, 1.15), "moderate": (1.0, 1.5, 1.08), "none": (0.0, 0.0, 1.0),
            "reduced": (-1.0, -2.0, 0.95)}
# Azure express-as styles to our emotions.
STYLES = {"cheerful": "happy", "happy": "happy", "excited": "happy", "friendly": "happy", "sad": "sad",
          "depressed": "sad", "angry": "angry", "unfriendly": "angry", "shouting": "angry", "calm": "calm",
          "gentle": "calm", "fearful": "fearful", "terrified": "fearful", "surprised": "surprised",
          "whispering": "whisper", "whisper": "whisper", "neutral": "neutral", "general": "neutral"}
IGNORED_WITH_TEXT = {"s", "p", "paragraph", "sentence", "lang", "say-as", "mark", "bookmark", "lexicon", "audio",
                     "sub", "backgroundaudio", "silence"}


class SsmlError(Exception):
    """The SSML could not be read; the message is one sentence for the user."""


@dataclass
class WordProsody:
    pitch_st: float = 0.0
    rate: float = 1.0
    volume_db: float = 0.0


@dataclass
class SsmlSentence:
    text: str
    voice: str | None
    emotion: Emotion
    words: list[WordProsody] = field(default_factory=list)  # one per written word (whitespace token)
    breaks_after: dict[int, float] = field(default_factory=dict)  # word index -> seconds of pause after it
    gap_before: float | None = None  # a break before the sentence's first word


@dataclass
class _State:
    voice: str | None = None
    emotion: Emotion = field(default_factory=Emotion)
    pitch_st: float = 0.0
    rate: float = 1.0
    volume_db: float = 0.0


def looks_like_ssml(text: str) -> bool:
    return text.lstrip().startswith("<speak")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_pitch(value: str, warnings: list[str]) -> float:
    v = value.strip().lower()
    if v in PITCH_WORDS:
        return PITCH_WORDS[v]
    if m := re.fullmatch(r"([+-]?\d+(?:\.\d+)?)st", v):
        return float(m.group(1))
    if m := re.fullmatch(r"([+-]?\d+(?:\.\d+)?)%", v):
        factor = 1 + float(m.group(1)) / 100
        if factor > 0:
            return 12 * math.log2(factor)
    warnings.append(f"pitch=\"{value}\" is not supported (use +Nst, +N% or x-low..x-high); it was ignored.")
    return 0.0


def parse_rate(value: str, warnings: list[str]) -> float:
    v = value.strip().lower()
    if v in RATE_WORDS:
        return RATE_WORDS[v]
    if m := re.fullmatch(r"([+-]?\d+(?:\.\d+)?)%", v):
        # "80%" is 80 % of normal speed; "+20%" / "-20%" are relative changes (Azure's reading).
        number = float(m.group(1))
        rate = 1 + number / 100 if v[0] in "+-" else number / 100
        if rate > 0:
            return rate
    if re.fullmatch(r"\d+(?:\.\d+)?", v) and float(v) > 0:
        return float(v)
    warnings.append(f"rate=\"{value}\" is not supported (use N%, +N% or x-slow..x-fast); it was ignored.")
    return 1.0


def parse_volume(value: str, warnings: list[str]) -> float:
    v = value.strip().lower()
    if v in VOLUME_WORDS:
        return VOLUME_WORDS[v]
    if m := re.fullmatch(r"([+-]?\d+(?:\.\d+)?)db", v):
        return float(m.group(1))
    if m := re.fullmatch(r"([+-]\d+(?:\.\d+)?)%", v):
        factor = 1 + float(m.group(1)) / 100
        if factor > 0:
            return 20 * math.log10(factor)
    warnings.append(f"volume=\"{value}\" is not supported (use +NdB, +N% or x-soft..x-loud); it was ignored.")
    return 0.0


def parse_time(value: str, warnings: list[str]) -> float | None:
    v = value.strip().lower()
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", v):
        seconds = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
        if seconds > MAX_BREAK_S:
            warnings.append(f"a break of {value} was shortened to {MAX_BREAK_S:g} s.")
        return min(seconds, MAX_BREAK_S)
    warnings.append(f"break time=\"{value}\" is not supported (use 500ms or 1.5s); it was ignored.")
    return None


def parse_voice_name(name: str) -> SpeakerMix | None:
    """`mix:A=0.5,B=0.5` gives a mix; any other name is a single speaker (resolved by the caller)."""
    if not name.startswith("mix:"):
        return None
    weights = {}
    for part in name[4:].split(","):
        if "=" not in part:
            raise SsmlError(f"The voice mix \"{name}\" is malformed; write it as mix:A=0.5,B=0.5.")
        speaker, w = part.split("=", 1)
        try:
            weights[speaker.strip()] = float(w)
        except ValueError:
            raise SsmlError(f"The voice mix \"{name}\" has a weight that is not a number.") from None
    try:
        mix = SpeakerMix.of(weights)
    except ValueError as exc:
        raise SsmlError(f"The voice mix \"{name}\" is invalid: {exc}.") from None
    if mix.is_empty:
        raise SsmlError(f"The voice mix \"{name}\" has no positive weight.")
    return mix


class _Builder:
    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        self.sentences: list[SsmlSentence] = []
        self.pending_gap: float | None = None
        self._open: SsmlSentence | None = None

    def _current(self, state: _State) -> SsmlSentence:
        s = self._open
        if s is None or s.voice != state.voice or s.emotion != state.emotion:
            self.close()
            s = SsmlSentence("", state.voice, state.emotion, gap_before=self.pending_gap)
            self.pending_gap = None
            self._open = s
        return s

    def close(self) -> None:
        if self._open is not None and self._open.text.strip():
            self.sentences.append(self._open)
        self._open = None

    def text(self, chunk: str, state: _State) -> None:
        if not chunk or not chunk.strip():
            if chunk and self._open is not None and not self._open.text.endswith(" "):
                self._open.text += " "  # whitespace between two tags still separates words
            return
        # A sentence end inside the text closes the current sentence; each piece carries the same prosody.
        pieces = split_sentences(chunk)
        for i, piece in enumerate(pieces):
            s = self._current(state)
            # Text right after a tag with no space in between continues the last word ("there</prosody>.").
            glued = i == 0 and s.text and not s.text[-1].isspace() and not chunk[:1].isspace()
            s.text += piece if glued or not s.text or s.text.endswith(" ") else " " + piece
            new_words = len(piece.split()) - (1 if glued else 0)
            s.words.extend(WordProsody(state.pitch_st, state.rate, state.volume_db) for _ in range(new_words))
            if i < len(pieces) - 1 or re.search(r"[.!?…]['\")\]]*\s*$", piece):
                self.close()
        if chunk[-1:].isspace() and self._open is not None and not self._open.text.endswith(" "):
            self._open.text += " "

    def pause(self, seconds: float) -> None:
        s = self._open
        if s is not None and s.words:
            s.breaks_after[len(s.words) - 1] = s.breaks_after.get(len(s.words) - 1, 0.0) + seconds
        else:
            self.pending_gap = (self.pending_gap or 0.0) + seconds


def parse(text: str) -> tuple[list[SsmlSentence], list[str]]:
    """Sentences and warnings. Raises SsmlError for a document that is not well-formed SSML."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise SsmlError(f"The SSML is not well-formed XML ({exc}); check that every tag is closed.") from None
    except DefusedXmlException:
        raise SsmlError("The SSML declares entities or external references, which are not allowed.") from None
    if _local(root.tag) != "speak":
        raise SsmlError("SSML must start with a <speak> element.")
    warnings: list[str] = []
    builder = _Builder(warnings)
    _walk(root, _State(), builder, warnings)
    builder.close()
    return builder.sentences, warnings


def _walk(el, state: _State, b: _Builder, warnings: list[str]) -> None:
    tag = _local(el.tag)
    state = _State(**vars(state))
    closes_sentence = tag in ("s", "p", "sentence", "paragraph", "voice")
    if tag == "voice":
        name = el.get("name")
        if not name:
            warnings.append("<voice> without a name was ignored.")
        else:
            state.voice = name
    elif tag == "prosody":
        if el.get("pitch") is not None:
            state.pitch_st += parse_pitch(el.get("pitch"), warnings)
        if el.get("rate") is not None:
            state.rate *= parse_rate(el.get("rate"), warnings)
        if el.get("volume") is not None:
            state.volume_db += parse_volume(el.get("volume"), warnings)
        for attr in set(el.attrib) - {"pitch", "rate", "volume"}:
            warnings.append(f"<prosody {attr}=...> is not supported; it was ignored.")
    elif tag == "emphasis":
        level = (el.get("level") or "moderate").lower()
        if level not in EMPHASIS:
            warnings.append(f"<emphasis level=\"{level}\"> is not supported; moderate was used.")
            level = "moderate"
        st, db, dur = EMPHASIS[level]
        state.pitch_st += st
        state.volume_db += db
        state.rate /= dur
    elif tag == "express-as":
        style = (el.get("style") or "").lower()
        degree = el.get("styledegree")
        intensity = 1.0
        if degree is not None:
            try:
                intensity = clamp(float(degree), 0.01, 2.0)
            except ValueError:
                warnings.append(f"styledegree=\"{degree}\" is not a number; 1 was used.")
        if style in STYLES:
            state.emotion = Emotion(STYLES[style], intensity)
        else:
            warnings.append(f"express-as style \"{style}\" is not supported (use one of "
                            f"{', '.join(sorted(set(STYLES)))}); the sentence stays neutral.")
    elif tag == "break":
        seconds = None
        if el.get("time") is not None:
            seconds = parse_time(el.get("time"), warnings)
        elif el.get("strength") is not None:
            seconds = BREAK_STRENGTH.get(el.get("strength").lower())
            if seconds is None:
                warnings.append(f"<break strength=\"{el.get('strength')}\"> is not supported; it was ignored.")
        else:
            seconds = BREAK_STRENGTH["medium"]
        if seconds:
            b.pause(seconds)
    elif tag == "phoneme":
        warnings.append(f"<phoneme ph=\"{el.get('ph', '')}\"> is not supported yet: \"{(el.text or '').strip()}\" "
                        "is spoken as written.")
    elif tag == "sub":
        alias = el.get("alias")
        if alias:
            b.text(alias, state)
            b.text(el.tail or "", _State(**vars(state)))
            return
    elif tag != "speak" and tag not in IGNORED_WITH_TEXT:
        warnings.append(f"<{tag}> is not supported; its text is spoken as written.")
    elif tag in ("audio", "backgroundaudio", "mark", "bookmark", "lexicon", "silence"):
        warnings.append(f"<{tag}> is not supported; it was ignored.")
    if closes_sentence:
        b.close()
    b.text(el.text or "", state)
    for child in el:
        _walk(child, state, b, warnings)
        b.text(child.tail or "", state)
    if closes_sentence:
        b.close()


def resolve_voice(name: str | None, speakers: list[str]) -> SpeakerMix | None:
    """The mix for a <voice name>, given the track voice's speakers; None keeps the default."""
    if name is None:
        return None
    mix = parse_voice_name(name)
    if mix is not None:
        unknown = [s for s, _ in mix.weights if speakers and s not in speakers]
        if unknown:
            raise SsmlError(f"The voice mix names unknown speaker(s) {', '.join(unknown)}; "
                            f"choose from {', '.join(speakers)}.")
        return mix
    if speakers and name not in speakers:
        raise SsmlError(f"There is no voice named \"{name}\"; choose from {', '.join(speakers)} or a mix:A=0.5,B=0.5.")
    return SpeakerMix.single(name)


def to_project(sentences: list[SsmlSentence], analyzer, voice: VoiceRef, speakers: list[str],
               default_mix: SpeakerMix, warnings: list[str], title: str = "") -> Project:
    """A project with one track per SSML voice and the prosody of each word applied to its phonemes."""
    project = Project(title=title)
    tracks: dict[str | None, Track] = {}
    for sentence in sentences:
        track = tracks.get(sentence.voice)
        if track is None:
            mix = resolve_voice(sentence.voice, speakers) or default_mix
            track = Track(new_id(), sentence.voice or "Voice", voice, mix)
            tracks[sentence.voice] = track
            project.tracks.append(track)
        text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(sentence.text.split()))
        for idx in sentence.breaks_after:  # a comma gives every voice a pause there, which the break then sizes
            text = _comma_after(text, idx)
        words = analyzer.analyze(text, voice, track.mix)
        seg = Segment(new_id(), text, track.id, words, emotion=sentence.emotion)
        seg.gap_before = sentence.gap_before
        _apply(seg, sentence, warnings)
        project.segments.append(seg)
    return project


def _comma_after(text: str, index: int) -> str:
    tokens = text.split(" ")
    spoken = [i for i, t in enumerate(tokens) if t]
    if index < len(spoken):
        i = spoken[index]
        if not re.search(r"[,;:.!?]$", tokens[i]):
            tokens[i] += ","
    return " ".join(tokens)


def _apply(seg: Segment, sentence: SsmlSentence, warnings: list[str]) -> None:
    spoken = [w for w in seg.words if not w.is_pause]
    if len(spoken) != len(sentence.words):
        if any(p.pitch_st or p.rate != 1 or p.volume_db for p in sentence.words) or sentence.breaks_after:
            warnings.append(f"\"{seg.text[:40]}\": the voice read {len(spoken)} words where the SSML has "
                            f"{len(sentence.words)} (numbers or abbreviations?), so its prosody tags were not applied.")
        return
    for word, prosody in zip(spoken, sentence.words):
        for p in word.phonemes:
            p.pitch_st = clamp(prosody.pitch_st, -24, 24)
            p.energy_db = clamp(prosody.volume_db, -24, 24)
            p.duration_scale = clamp(1.0 / prosody.rate, 0.1, 10.0)
    for idx, seconds in sentence.breaks_after.items():
        w_pos = seg.words.index(spoken[idx])
        nxt = seg.words[w_pos + 1] if w_pos + 1 < len(seg.words) else None
        if nxt is not None and nxt.is_pause and nxt.phonemes[0].duration > 0:
            pause = nxt.phonemes[0]
            wanted = seconds / pause.duration
            if not 0.1 <= wanted <= 10.0:
                warnings.append(f"a break of {seconds:g} s could only be approximated.")
            pause.duration_scale = clamp(wanted, 0.1, 10.0)
        else:
            warnings.append(f"a break after \"{spoken[idx].text}\" could not be placed by this voice.")

