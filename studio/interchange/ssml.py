"""SSML in: the scripting interface, and the bridge from Azure, Polly and Google.

The document is parsed with defusedxml (no entity expansion, no external fetches) into sentences, each with its
voice, its emotion and the prosody of its words; `lines` hands them to production.importing as plain lines,
`spoken_line` says how a voice reads one and `apply_prosody` turns its prosody into phoneme edits. Every tag or value that is not supported produces a warning and is never silently misread.
The mapping is documented in docs/ssml.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from studio.core.errors import UserError
from studio.core.language import known_language, primary, script_language
from studio.core.lines import Line, Prosody
from studio.core.model import Emotion, Segment, SpeakerMix, clamp
from studio.core.script import split_sentences, valid_unicode
from studio.core.spoken import read_symbols
from studio.core.words import word_tokens, words_of

MAX_BREAK_S = 10.0
MAX_DEPTH = 100  # real SSML nests a handful of levels; the walk must stay far below Python's recursion limit
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
                     "sub", "backgroundaudio", "silence", "w", "token", "par", "seq", "media", "effect", "domain",
                     "auto-breaths", "breath", "emotion", "audioduration"}
# Tags whose text is markup for a tool, not words: ignored with a warning, children and text skipped.
SKIPPED = {"audio", "backgroundaudio", "mark", "bookmark", "lexicon", "audioduration", "desc"}
# Vendor prefixes that their documentation uses without declaring them (Polly's <amazon:effect>, say).
VENDOR_NAMESPACES = {"amazon": "https://aws.amazon.com/polly", "mstts": "https://www.w3.org/2001/mstts",
                     "google": "https://cloud.google.com/text-to-speech"}
# Amazon Polly effects and emotions, and the emotion each becomes.
POLLY_EFFECTS = {"whispered": "whisper"}
POLLY_EMOTIONS = {"excited": "happy", "disappointed": "sad"}
# Azure's <mstts:silence> types; Sentenceboundary and Leading are honoured, the others warned about by name.
SILENCE_TYPES = {"leading", "leading-exact", "tailing", "tailing-exact", "sentenceboundary",
                 "sentenceboundary-exact", "comma-exact", "semicolon-exact", "enumerationcomma-exact"}
CONTOUR_REFERENCE_HZ = 150.0  # a contour's Hz offsets are converted to semitones around a typical speaking pitch


class SsmlError(UserError):
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
    language: str | None = None  # xml:lang in force (primary subtag), None when the document names none
    lexicon: dict[str, str] = field(default_factory=dict)  # the document's <phoneme> pronunciations


@dataclass
class _State:
    voice: str | None = None
    emotion: Emotion = field(default_factory=Emotion)
    pitch_st: float = 0.0
    rate: float = 1.0
    volume_db: float = 0.0
    language: str | None = None
    contour: list | None = None


_PROLOG = re.compile(r"^(\ufeff|\s+|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.S)


def looks_like_ssml(text: str) -> bool:
    """True for a document whose root is <speak>, after any XML declaration, comments or doctype."""
    rest = text[:4096]
    while m := _PROLOG.match(rest):
        if not m.group():
            break
        rest = rest[m.end():]
    return bool(re.match(r"<(\w+:)?speak[\s>/]", rest))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


# What nested prosody may add up to: the limits of the editor's own edits. Kept at every step, so that a hundred
# nested rate="1%" cannot underflow to zero (and divide by it) nor pitch add up to infinity.
RATE_RANGE = (0.1, 10.0)
PITCH_RANGE_ST = 24.0
VOLUME_RANGE_DB = 40.0


def _bound(state, warnings: list[str]) -> None:
    rate = clamp(state.rate, *RATE_RANGE) if math.isfinite(state.rate) else 1.0
    pitch = clamp(state.pitch_st, -PITCH_RANGE_ST, PITCH_RANGE_ST) if math.isfinite(state.pitch_st) else 0.0
    volume = clamp(state.volume_db, -VOLUME_RANGE_DB, VOLUME_RANGE_DB) if math.isfinite(state.volume_db) else 0.0
    if (rate, pitch, volume) != (state.rate, state.pitch_st, state.volume_db):
        warnings.append(f"prosody beyond what a voice can do was limited to rates {RATE_RANGE[0]:g}..{RATE_RANGE[1]:g}, "
                        f"±{PITCH_RANGE_ST:g} st and ±{VOLUME_RANGE_DB:g} dB.")
    state.rate, state.pitch_st, state.volume_db = rate, pitch, volume


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
        self.sentence_gap: float | None = None  # mstts:silence type="Sentenceboundary"
        self.lexicon: dict[str, str] = {}  # from <phoneme alphabet="ipa">: word -> /IPA/

    def _current(self, state: _State) -> SsmlSentence:
        s = self._open
        if s is None or s.voice != state.voice or s.emotion != state.emotion or s.language != state.language:
            self.close()
            s = SsmlSentence("", state.voice, state.emotion, gap_before=self.pending_gap, language=state.language)
            self.pending_gap = None
            self._open = s
        return s

    def close(self) -> None:
        if self._open is not None and self._open.text.strip():
            if self._open.gap_before is None and self.sentence_gap is not None and self.sentences:
                self._open.gap_before = self.sentence_gap
            self.sentences.append(self._open)
        self._open = None

    def text(self, chunk: str, state: _State) -> None:
        if not chunk or not chunk.strip():
            if chunk and self._open is not None and not self._open.text.endswith(" "):
                self._open.text += " "  # whitespace between two tags still separates words
            return
        if not words_of(chunk):
            # Punctuation alone ("</amazon:effect>.") belongs to the words before it, whatever their voice.
            target = self._open or (self.sentences[-1] if self.sentences else None)
            if target is not None:
                target.text += chunk.strip()
                if re.search(r"[.!?…]['\")\]]*\s*$", chunk):
                    self.close()
            return
        # A sentence end inside the text closes the current sentence; each piece carries the same prosody.
        pieces = split_sentences(chunk)
        for i, piece in enumerate(pieces):
            s = self._current(state)
            # Text right after a tag with no space in between continues the last word ("there</prosody>.").
            glued = i == 0 and s.text and not s.text[-1].isspace() and not chunk[:1].isspace()
            before = len(words_of(s.text))
            s.text += piece if glued or not s.text or s.text.endswith(" ") else " " + piece
            new_words = len(words_of(s.text)) - before
            for _ in range(new_words):
                prosody = WordProsody(state.pitch_st, state.rate, state.volume_db)
                s.words.append(prosody)
                if state.contour is not None:
                    state.contour.append(prosody)
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


def _depth(root) -> int:
    """How deep the element tree goes, counted without recursion (the walk below recurses once per level)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        if d <= MAX_DEPTH:  # deeper than the limit is refused anyway: no need to count further
            stack.extend((child, d + 1) for child in el)
    return deepest


def parse(text: str) -> tuple[list[SsmlSentence], list[str]]:
    """Sentences and warnings. Raises SsmlError for a document that is not well-formed SSML."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(_declare_vendor_prefixes(valid_unicode(text)))
    except ElementTree.ParseError as exc:
        raise SsmlError(f"The SSML is not well-formed XML ({exc}); check that every tag is closed.") from None
    except DefusedXmlException:
        raise SsmlError("The SSML declares entities or external references, which are not allowed.") from None
    except RecursionError:
        raise SsmlError(f"The SSML nests elements too deeply (more than {MAX_DEPTH} levels); flatten the markup.") \
            from None
    if _local(root.tag) != "speak":
        raise SsmlError("SSML must start with a <speak> element.")
    depth = _depth(root)
    if depth > MAX_DEPTH:
        raise SsmlError(f"The SSML nests elements {depth} deep, more than the {MAX_DEPTH} that are supported; "
                        "flatten the markup.")
    warnings: list[str] = []
    builder = _Builder(warnings)
    seen_warnings: set[str] = set()
    _walk(root, _State(), builder, warnings)
    warnings[:] = [w for w in warnings if not (w in seen_warnings or seen_warnings.add(w))]
    builder.close()
    for sentence in builder.sentences:
        sentence.lexicon = builder.lexicon  # one pronunciation per word for the whole document, as in a lexicon
    return builder.sentences, warnings


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_contour(value: str, warnings: list[str]) -> list[tuple[float, float]] | None:
    """`(0%,+20Hz) (50%,-2st) (100%,+10%)` as (position 0..1, semitones) points, or None with a warning."""
    points = []
    for pos, change in re.findall(r"\(\s*([^,()]+?)\s*,\s*([^()]+?)\s*\)", value):
        m = re.fullmatch(r"(\d+(?:\.\d+)?)%", pos)
        c = change.strip().lower()
        if m is None:
            break
        if hz := re.fullmatch(r"([+-]?\d+(?:\.\d+)?)hz", c):
            f = CONTOUR_REFERENCE_HZ + float(hz.group(1))
            st = 12 * math.log2(f / CONTOUR_REFERENCE_HZ) if f > 0 else None
        else:
            probe: list[str] = []
            st = parse_pitch(c, probe)
            st = None if probe else st
        if st is None:
            break
        points.append((min(float(m.group(1)), 100.0) / 100, st))
    else:
        if points:
            return sorted(points)
    warnings.append(f"<prosody contour=\"{value[:60]}\"> could not be read (use (0%,+2st) (100%,-10%) pairs); "
                    "it was ignored.")
    return None


def _contour_at(points: list[tuple[float, float]], x: float) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * ((x - x0) / (x1 - x0) if x1 > x0 else 1.0)
    return points[-1][1]


def _phoneme(el, b: "_Builder", warnings: list[str]) -> None:
    """<phoneme alphabet="ipa" ph="..."> becomes a lexicon entry (word -> /IPA/) for the import, so the voice says
    the word that way wherever it reads it, as an entry the user typed would. Other alphabets are not read."""
    from studio.core.lexicon import LexiconError, check_entry

    word, ph = " ".join("".join(el.itertext()).split()), (el.get("ph") or "").strip()
    alphabet = (el.get("alphabet") or "ipa").strip().lower()
    if alphabet != "ipa" or not ph or not word:
        warnings.append(f"<phoneme alphabet=\"{alphabet}\" ph=\"{ph}\"> is not supported (only IPA is): "
                        f"\"{word}\" is spoken as written.")
        return
    try:
        word, pron = check_entry(word, f"/{ph.strip('/')}/")
    except LexiconError as exc:
        warnings.append(f"<phoneme ph=\"{ph}\"> for \"{word}\" cannot be used ({str(exc).rstrip('.')}); it is spoken "
                        "as written.")
        return
    b.lexicon[word] = pron


def _say_as(el, warnings: list[str], language: str | None = None) -> str | None:
    """The text a <say-as> element should be read as, or None to read it as written."""
    kind = (el.get("interpret-as") or "").lower()
    text = "".join(el.itertext()).strip()
    if kind in ("characters", "spell-out", "letters", "verbatim"):
        return " ".join(c for c in text if not c.isspace())
    if kind in ("digits", "telephone", "number_digit"):
        return " ".join(c for c in text if c.isalnum())
    if kind == "ordinal":
        # "3", "3rd", "3." or "3º": the number as an ordinal word of the text's language; words ("third") as written.
        m = re.fullmatch(r"(\d{1,15})\s*(?:st|nd|rd|th|\.|º|ª|er|re|e|ème|o|a|te|ter|ten)?", text, re.I)
        if m is None:
            return None
        from num2words import num2words

        try:
            return num2words(int(m.group(1)), to="ordinal", lang=language or "en")
        except (NotImplementedError, OverflowError):
            return num2words(int(m.group(1)), to="ordinal")
    if kind in ("cardinal", "number", "unit", "date", "time", "currency", "address", "name", ""):
        return None  # the voice's own normalisation reads these
    if kind in ("expletive", "bleep"):
        warnings.append(f"<say-as interpret-as=\"{kind}\"> is not supported; the word is left out.")
        return ""
    warnings.append(f"<say-as interpret-as=\"{kind}\"> is not supported; \"{text[:40]}\" is read as written.")
    return None


def _declare_vendor_prefixes(text: str) -> str:
    """Declare amazon:, mstts: and google: on <speak> where a document uses them undeclared."""
    m = re.search(r"<(\w+:)?speak\b", text)
    if m is None:
        return text
    missing = [p for p in VENDOR_NAMESPACES if f"<{p}:" in text and f"xmlns:{p}" not in text]
    if not missing:
        return text
    decl = "".join(f' xmlns:{p}="{VENDOR_NAMESPACES[p]}"' for p in missing)
    return text[:m.end()] + decl + text[m.end():]


def _walk(el, state: _State, b: _Builder, warnings: list[str]) -> None:
    tag = _local(el.tag)
    state = _State(**vars(state))
    asked = el.get(_XML_LANG) or (el.get("language") if tag in ("lang", "voice") else None)
    if asked and not known_language(asked):
        warnings.append(f"xml:lang=\"{asked}\" is not a language tag (write one like en-US or fr-FR); the text is "
                        f"read as {state.language or 'en'}.")
    elif asked:
        state.language = primary(asked, default=state.language or "en")
    closes_sentence = tag in ("s", "p", "sentence", "paragraph", "voice")
    contour_words: list[WordProsody] | None = None
    if tag == "voice":
        name = el.get("name")
        if not name:
            gender = el.get("gender")
            if gender or el.get("language") or el.get(_XML_LANG):
                name = f"{gender or 'voice'}-{state.language or 'en'}"  # Google selects voices by gender/language
            else:
                warnings.append("<voice> without a name was ignored.")
        if name:
            state.voice = name
        if el.get("effect"):  # Azure's <voice effect="eq_car">: an audio effect this render does not make
            warnings.append(f"<voice effect=\"{el.get('effect')}\"> is not supported; the voice speaks without it.")
    elif tag == "prosody":
        if el.get("pitch") is not None:
            state.pitch_st += parse_pitch(el.get("pitch"), warnings)
        if el.get("rate") is not None:
            state.rate *= parse_rate(el.get("rate"), warnings)
        if el.get("volume") is not None:
            state.volume_db += parse_volume(el.get("volume"), warnings)
        _bound(state, warnings)
        points = parse_contour(el.get("contour"), warnings) if el.get("contour") is not None else None
        if points:
            contour_words = state.contour = []
        for attr in set(el.attrib) - {"pitch", "rate", "volume", "contour"}:
            warnings.append(f"<prosody {_local(attr)}=...> is not supported; it was ignored.")
    elif tag == "emphasis":
        level = (el.get("level") or "moderate").lower()
        if level not in EMPHASIS:
            warnings.append(f"<emphasis level=\"{level}\"> is not supported; moderate was used.")
            level = "moderate"
        st, db, dur = EMPHASIS[level]
        state.pitch_st += st
        state.volume_db += db
        state.rate /= dur
        _bound(state, warnings)
    elif tag in ("express-as", "emotion") or (tag == "effect" and el.get("name") in POLLY_EFFECTS):
        style = (el.get("style") or el.get("name") or "").lower()
        degree = el.get("styledegree") if tag == "express-as" else None
        intensity = 1.0
        if tag == "emotion":  # Polly: <amazon:emotion name="excited" intensity="medium">
            intensity = {"low": 0.5, "medium": 1.0, "high": 1.5}.get((el.get("intensity") or "medium").lower(), 1.0)
        if degree is not None:
            try:
                intensity = clamp(float(degree), 0.01, 2.0)
            except ValueError:
                warnings.append(f"styledegree=\"{degree}\" is not a number; 1 was used.")
        mapped = STYLES.get(style) or POLLY_EFFECTS.get(style) or POLLY_EMOTIONS.get(style)
        if mapped:
            state.emotion = Emotion(mapped, intensity)
        else:
            warnings.append(f"express-as style \"{style}\" is not supported (use one of "
                            f"{', '.join(sorted(set(STYLES)))}); the sentence stays neutral.")
        for attr in ("role",):
            if el.get(attr):
                warnings.append(f"express-as {attr}=\"{el.get(attr)}\" is not supported; it was ignored.")
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
    elif tag == "breath":  # Polly: a breath is a short pause here
        b.pause(0.3)
    elif tag == "silence":  # Azure: <mstts:silence type="Sentenceboundary" value="200ms"/>
        kind = (el.get("type") or "").lower()
        if kind not in SILENCE_TYPES:
            warnings.append(f"<mstts:silence type=\"{el.get('type')}\"> is not a silence type (Azure's are "
                            "Leading, Tailing, Sentenceboundary, Comma-exact, Semicolon-exact, "
                            "Enumerationcomma-exact); it was ignored.")
            return
        seconds = parse_time(el.get("value") or "", warnings)
        if seconds is not None and kind in ("sentenceboundary", "sentenceboundary-exact"):
            b.sentence_gap = seconds
        elif seconds is not None and kind in ("leading", "leading-exact") and not b.sentences:
            b.pending_gap = (b.pending_gap or 0.0) + seconds
        elif seconds is not None:
            warnings.append(f"<mstts:silence type=\"{el.get('type')}\"> is not supported; it was ignored.")
        return
    elif tag == "say-as":
        said = _say_as(el, warnings, state.language)
        if said is not None:
            b.text(said, state)
            return
    elif tag == "phoneme":
        _phoneme(el, b, warnings)  # the words inside are still read as text; the lexicon says how
    elif tag == "sub":
        alias = el.get("alias")
        if alias is not None:
            b.text(alias, state)
            return
    elif tag in SKIPPED:
        warnings.append(f"<{tag}> is not supported; it was ignored.")
        return
    elif tag == "media" and (el.get("begin") or el.get("end") or el.get("repeatCount")):
        warnings.append("<media> timing (begin, end, repeatCount) is not supported; its speech follows in order.")
    elif tag == "par":
        warnings.append("<par> plays its children one after another here, not in parallel.")
    elif tag in ("effect", "domain", "auto-breaths"):
        attrs = " ".join(f'{_local(k)}="{v}"' for k, v in el.attrib.items()) or 'name=""'
        warnings.append(f"<amazon:{tag} {attrs}> is not supported; its text is spoken without it.")
    elif tag != "speak" and tag not in IGNORED_WITH_TEXT:
        warnings.append(f"<{tag}> is not supported; its text is spoken as written.")
    if closes_sentence:
        b.close()
    b.text(el.text or "", state)
    for child in el:
        _walk(child, state, b, warnings)
        b.text(child.tail or "", state)
    if closes_sentence:
        b.close()
    if contour_words:
        n = len(contour_words)
        for i, word in enumerate(contour_words):
            word.pitch_st += _contour_at(points, (i + 0.5) / n)


def lines(sentences: list[SsmlSentence]) -> list[Line]:
    """The sentences that have words, as plain lines: the voice name is the speaker, and non-Latin text names its
    own language even where the document does not."""
    return [Line(s.voice, s.text, language=script_language(s.text) or s.language, emotion=s.emotion,
                 gap_before=s.gap_before, words=tuple(Prosody(w.pitch_st, w.rate, w.volume_db) for w in s.words),
                 breaks_after=tuple(s.breaks_after.items()))
            for s in sentences if words_of(s.text)]


def lexicon(sentences: list[SsmlSentence]) -> dict[str, str]:
    """The document's <phoneme> pronunciations (word -> /IPA/)."""
    return {word: pron for s in sentences for word, pron in s.lexicon.items()}


def spoken_line(line: Line, language: str) -> Line:
    """The line as the voice should read it (symbols written out, a comma where a break is), with its per-word
    prosody and breaks carried over to the words that come out."""
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(line.text.split()))
    tokens = word_tokens(text)
    breaks_after = dict(line.breaks_after)
    pieces, prosody, breaks = [], [], {}
    cursor = 0
    for i, tok in enumerate(tokens):
        pieces.append(text[cursor:tok.start])
        said = read_symbols(tok.raw, language)
        if i in breaks_after and not re.search(r"[,;:.!?]$", said):
            said += ","  # a comma gives every voice a pause there, which the break then sizes
        pieces.append(said)
        cursor = tok.end
        n = max(len(words_of(said)), 1)
        if i < len(line.words):
            prosody.extend([line.words[i]] * n)
        if i in breaks_after:
            breaks[len(prosody) - 1] = breaks_after[i]
    pieces.append(text[cursor:])
    return replace(line, text="".join(pieces), words=tuple(prosody), breaks_after=tuple(breaks.items()))


def apply_prosody(seg: Segment, line: Line, warnings: list[str]) -> None:
    """The prosody and breaks of a spoken line (spoken_line) onto the phonemes of its analysed segment."""
    spoken = [w for w in seg.words if not w.is_pause]
    if len(spoken) != len(line.words):
        if any(p.pitch_st or p.rate != 1 or p.volume_db for p in line.words) or line.breaks_after:
            warnings.append(f"\"{seg.text[:40]}\": the voice read {len(spoken)} words where the SSML has "
                            f"{len(line.words)} (numbers or abbreviations?), so its prosody tags were not applied.")
        return
    for word, prosody in zip(spoken, line.words):
        for p in word.phonemes:
            p.pitch_st = clamp(prosody.pitch_st, -24, 24)
            p.energy_db = clamp(prosody.volume_db, -24, 24)
            p.duration_scale = clamp(1.0 / prosody.rate, 0.1, 10.0)
    for idx, seconds in line.breaks_after:
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

