"""Turning a plain text or a dialogue script into lines and sentences (production.importing makes the project)."""

from __future__ import annotations

import re
import unicodedata

import pysbd

from studio.core.errors import UserError
from studio.core.labels import count_labels, key, looks_like_name, split_label
from studio.core.language import PYSBD_LANGUAGES, primary
from studio.core.lines import Line
from studio.core.model import Project, SpeakerMix, Track, VoiceRef, new_id

NARRATOR = "Narrator"
_segmenters: dict[str, pysbd.Segmenter] = {}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """Text with every lone surrogate replaced by U+FFFD. A file decoded as UTF-8 has none, but a command line
    (undecodable bytes arrive as surrogates), a paste or an API can hand one in, and it would fail at the first
    save or export, far from where it came in; every reader of text calls this first."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def clean_text(text: str) -> str:
    """NFC text without control characters, bidi overrides or zero-width marks: they are invisible in the editor,
    some voices stumble on them, and none of them is ever meant to be spoken."""
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", valid_unicode(text)))


# Limits of one utterance. A voice's memory grows with the length of what it says at once (attention and alignment
# over the whole sentence), so a 6,000-word sentence is split at its clauses before any voice sees it, a word is
# never longer than any language's longest, and what still reaches a voice in one piece is capped.
MAX_SENTENCE_WORDS = 60  # about 25 seconds of speech
MAX_TOKEN_CHARS = 80  # the longest words of German or Finnish fit; a longer "word" is cut into pieces
MAX_SEGMENT_CHARS = 1500
_CLAUSE_END = re.compile(r"[,;:\u2013\u2014\u2026)\]]$|^[\u2013\u2014-]+$")


class TooLong(UserError, ValueError):
    """A line longer than a voice may say at once; the message is one sentence for the user."""


def check_utterance(text: str) -> None:
    """Raises TooLong for a line that no voice should be given at once (every backbone's analyze goes through
    engine.voices, which calls this): the 1-million-letter word, the chapter pasted into one line."""
    if len(text) > MAX_SEGMENT_CHARS:
        raise TooLong(f"This line has {len(text):,} characters, more than the {MAX_SEGMENT_CHARS:,} a voice says at "
                      "once; split it into sentences.")
    longest = max(text.split(), key=len, default="")
    if len(longest) > MAX_TOKEN_CHARS:
        raise TooLong(f"The line has a word of {len(longest):,} letters (\"{longest[:20]}...\"); no word is longer "
                      f"than {MAX_TOKEN_CHARS}, so add spaces to it.")


def limit_utterance(sentence: str) -> list[str]:
    """A sentence as pieces a voice can say at once: each piece at most MAX_SENTENCE_WORDS words and
    MAX_SEGMENT_CHARS characters, cut after the last clause mark (comma, semicolon, colon, dash) in the second
    half of a piece where there is one, else between words. A "word" longer than MAX_TOKEN_CHARS is not a word
    of any language (a pasted hash, a key held down): it is cut to that length, as voices would otherwise spell
    it letter by letter for minutes."""
    words = [w[:MAX_TOKEN_CHARS] for w in sentence.split()]
    pieces: list[str] = []
    while words:
        n, chars = 0, 0
        while n < len(words) and n < MAX_SENTENCE_WORDS and chars + len(words[n]) + 1 <= MAX_SEGMENT_CHARS:
            chars += len(words[n]) + 1
            n += 1
        if n < len(words):
            cut = next((k + 1 for k in range(n - 1, n // 2 - 1, -1) if _CLAUSE_END.search(words[k])), n)
            n = cut
        pieces.append(" ".join(words[:n]))
        words = words[n:]
    return pieces


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of a paragraph, by the rules of its language. pysbd handles abbreviations ("Dr.", "Sr.", "z.B.")
    and decimals that a regex would split; languages pysbd does not know use its English rules. A sentence too
    long to say at once is split at its clauses (limit_utterance)."""
    text = " ".join(w[:MAX_TOKEN_CHARS] for w in clean_text(text).split())  # see limit_utterance
    if not text:
        return []
    lang = primary(language)
    lang = lang if lang in PYSBD_LANGUAGES else "en"
    if lang not in _segmenters:
        _segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
    out: list[str] = []
    # pysbd's rules are regexes over the whole text: give it paragraphs of bounded size, cut between words.
    for chunk in _chunks(text, 20_000):
        for s in _segmenters[lang].segment(chunk):
            if s.strip():
                out.extend(limit_utterance(s.strip()))
    return out


def _chunks(text: str, size: int) -> list[str]:
    out = []
    while len(text) > size:
        cut = text.rfind(". ", 0, size)
        cut = cut + 1 if cut > size // 2 else (text.rfind(" ", 0, size) if text.rfind(" ", 0, size) > 0 else size)
        out.append(text[:cut])
        text = text[cut:].lstrip()
    return out + [text] if text else out


def parse_script(text: str, language: str = "en") -> list[Line]:
    """Lines of a script. If most non-empty lines start with a speaker label (core.labels: `NAME:`, `>> NAME:`,
    `- NAME:`, `(NAME)`, `[NAME]`, accepted only when it looks like a name), it is a dialogue script and each line
    keeps its speaker; otherwise the text is narration, split into sentences at paragraph breaks and punctuation."""
    raw_lines = [ln for ln in clean_text(text).splitlines() if ln.strip()]
    if not raw_lines:
        return []
    uses = count_labels(raw_lines)
    labels = [split_label(ln) for ln in raw_lines]
    strict = sum(m.name is not None and looks_like_name(m.name, uses[key(m.name)], m.bracket) for m in labels)
    dialogue = strict * 2 > len(raw_lines)
    matches = [(m.name, m.rest) if m.name is not None and looks_like_name(m.name, uses[key(m.name)], m.bracket,
                                                                        dialogue) else None for m in labels]
    if sum(m is not None for m in matches) * 2 > len(raw_lines):
        out: list[Line] = []
        speaker = None
        for ln, m in zip(raw_lines, matches):
            if m:
                speaker, body = m
            else:
                body = ln  # a continuation line belongs to the previous speaker
            out.extend(Line(speaker, s) for s in split_sentences(body, language))
        return out
    paragraphs = re.split(r"\n\s*\n", text)
    out = []
    for para in paragraphs:
        out.extend(Line(None, s, bool(out) and k == 0) for k, s in enumerate(split_sentences(para, language)))
    return out


def track_for(project: Project, name: str | None, voice: VoiceRef, speakers: list[str] | None) -> Track:
    """The track of a speaker, created on first use. Track k gets the voice's speaker k (cycling), so that the
    characters of a dialogue are told apart from the start."""
    name = name or NARRATOR
    track = project.track_named(name)
    if track is None:
        mix = SpeakerMix.single(speakers[len(project.tracks) % len(speakers)]) if speakers else SpeakerMix()
        track = Track(id=new_id(), name=name, voice=voice, mix=mix)
        project.tracks.append(track)
    return track
