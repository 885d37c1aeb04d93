"""Turning a plain text or a dialogue script into lines and sentences, and lines into a project."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pysbd

from .analysis import Analyzer
from .labels import count_labels, key, looks_like_name, split_label
from .language import PYSBD_LANGUAGES, primary
from .model import Project, Segment, SpeakerMix, Track, VoiceRef, new_id

NARRATOR = "Narrator"
_segmenters: dict[str, pysbd.Segmenter] = {}


@dataclass(frozen=True)
class ScriptLine:
    speaker: str | None  # None for plain narration
    text: str
    paragraph_start: bool = False  # first sentence of a paragraph (after a blank line), so a longer pause


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """NFC text without control characters, bidi overrides or zero-width marks: they are invisible in the editor,
    some voices stumble on them, and none of them is ever meant to be spoken."""
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text))


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of a paragraph, by the rules of its language. pysbd handles abbreviations ("Dr.", "Sr.", "z.B.")
    and decimals that a regex would split; languages pysbd does not know use its English rules."""
    text = " ".join(clean_text(text).split())
    if not text:
        return []
    lang = primary(language)
    lang = lang if lang in PYSBD_LANGUAGES else "en"
    if lang not in _segmenters:
        _segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
    return [s.strip() for s in _segmenters[lang].segment(text) if s.strip()]


def parse_script(text: str, language: str = "en") -> list[ScriptLine]:
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
        out: list[ScriptLine] = []
        speaker = None
        for ln, m in zip(raw_lines, matches):
            if m:
                speaker, body = m
            else:
                body = ln  # a continuation line belongs to the previous speaker
            out.extend(ScriptLine(speaker, s) for s in split_sentences(body, language))
        return out
    paragraphs = re.split(r"\n\s*\n", text)
    out = []
    for para in paragraphs:
        out.extend(ScriptLine(None, s, bool(out) and k == 0) for k, s in enumerate(split_sentences(para, language)))
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


def build_project(lines: list[ScriptLine], analyzer: Analyzer, voice: VoiceRef = VoiceRef(),
                  speakers: list[str] | None = None, title: str = "") -> Project:
    """A project with one track per speaker (in order of first appearance) and one segment per line."""
    project = Project(title=title)
    for line in lines:
        track = track_for(project, line.speaker, voice, speakers)
        words = analyzer.analyze(line.text, voice, track.mix)
        project.segments.append(Segment(id=new_id(), text=line.text, track_id=track.id, words=words,
                                        paragraph_start=line.paragraph_start))
    return project
