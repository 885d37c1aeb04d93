"""Subtitles in and out: SRT with the `srt` library, WebVTT with `webvtt-py`.

In, each cue becomes one or more cues of speech (a dash or `>>` inside a cue starts another speaker's turn),
pinned at the cue's start with the cue's length as the target slot. What subtitles for the deaf and hard of
hearing add for the eye is taken out of the speech and kept for the exported subtitles: formatting tags,
sound descriptions in brackets ("[MUSIC PLAYING]", "(sighs)"), and sung lyrics between ♪ marks, which are
skipped unless asked for. Speaker labels follow core.labels (a label alone on a cue's line names the line
below; a refused one is text and does not split the cue); a cue without one keeps the speaker who was talking.
WebVTT text is read as WebVTT defines it: each <v Name> span is a turn, other tags and timestamps are markup,
character references are decoded. `arrange` gives each cue's time to what is spoken in it. Errors name the line
of the file and what it reads.

Out, the cues carry the synthesized timing of each segment (first to last phoneme).
"""

from __future__ import annotations

import html
import io
import math
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from studio.core.errors import UserError
from studio.core.labels import count_labels, key, looks_like_name, split_label
from studio.core.model import MAX_TIMELINE_S
from studio.core.script import valid_unicode

_TAGS = re.compile(r"</?[A-Za-z][^>]*>|\{\\[^}]*\}")  # HTML-like tags and ASS overrides such as {\an8}
_SOUND = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_MUSIC = "♪♫♬🎵🎶"
_TIME = r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}"  # Teams writes 0:0:1.5
_VTT_TIMING = re.compile(rf"^\s*{_TIME}\s+-->\s+{_TIME}(\s.*)?$")
# What the srt library reads as a time (its own separators, milliseconds optional), with nothing glued on.
_SRT_TIME = r"\d+[,.:，．。：]\d+[,.:，．。：]\d+(?:[,.:，．。：]\d+)?"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(\s.*)?$")
_LOOKS_TIMED = re.compile(r"\d:\d\d")  # a line meant as a time range, however malformed
# WebVTT cue text: a voice span <v Name> or <v.class Name> opens a speaker's turn, </v> closes it; every other tag
# (<i>, <c.x>, <lang>, <ruby>, a timestamp <00:00:07.000>) is markup, and text in <rt> is a reading aid, not said.
_VTT_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.I)
_VTT_RUBY_TEXT = re.compile(r"<rt(?:\.[^>]*)?>.*?(?:</rt>|(?=</ruby>)|$)", re.I | re.S)
_VTT_TAG = re.compile(r"<[^>]*>")
# A speaker label alone on a cue's line ("TOM:"), its words on the next line.
_BARE_LABEL = re.compile(r"^\s*((?:>>+|[-–—])\s*)?([^\W_][\w.'’#\- ]{0,31}?)\s*:\s*$")
SPEECH, LYRICS, SOUND = "speech", "lyrics", "sound"


class SubtitleError(UserError):
    """A subtitle file could not be read; the message is one sentence for the user."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # what is spoken: no tags, no sound descriptions, no label
    speaker: str | None = None
    number: int = 0  # the cue's number in the file (its position, for WebVTT)
    display: str = ""  # what the exported subtitle shows: sound descriptions and lyrics kept, tags removed
    kind: str = SPEECH  # speech, lyrics (between music marks) or sound (only descriptions, nothing to say)
    sounds: int = 0  # sound descriptions taken out of this cue's speech
    index: int = 0  # the cue's position in the file: the turns of one cue share it (and its slot)
    slot: tuple[float, float] = (0.0, 0.0)  # the whole cue's time, which its turns share


@dataclass(frozen=True)
class _Turn:
    marker: str | None
    name: str | None
    bracket: bool
    rest: str
    lyrics: bool
    body: str  # the text with the candidate label, used when the label is refused
    voice: str | None = None  # the WebVTT voice span the turn is in


def _short(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 60 else line[:57] + "..."


def _joined_labels(lines: list[str]) -> list[str]:
    """Lines with a label that stands alone ("TOM:", then his words on the next line) joined to the line below."""
    out: list[str] = []
    for ln in lines:
        if out and (m := _BARE_LABEL.match(out[-1])) and not re.match(r"^\s*(>>|[-–—]\s*\S)", ln):
            out[-1] = f"{m.group(1) or ''}{m.group(2)}: {ln}"
        else:
            out.append(ln)
    return out


def _turns(content: str, voice: str | None = None, markup: bool = True) -> list[_Turn]:
    """A cue's text split at speaker turns, each with its candidate label. `markup`: tags are still in the text
    (SRT); WebVTT text comes without them (vtt_parts)."""
    lines = [ln.strip() for ln in (_TAGS.sub("", content) if markup else content).splitlines() if ln.strip()]
    lines = _joined_labels(lines)
    turns: list[list] = []
    for ln in lines:
        lyric = any(c in ln for c in _MUSIC) or bool(re.match(r"^#\s.*#$", ln))
        m = split_label(ln)
        if m.marker or m.name or not turns or lyric != turns[-1][4]:
            turns.append([m.marker, m.name, m.bracket, m.rest, lyric, m.body])
        else:
            turns[-1][3] += " " + m.body
            turns[-1][5] += " " + m.body
    return [_Turn(*t, voice=voice) for t in turns]


def _strip_music(text: str) -> str:
    text = re.sub(f"[{_MUSIC}]", " ", text)
    return " ".join(re.sub(r"^#\s|\s#$", " ", text).split())


def _speech(text: str) -> tuple[str, int]:
    """Text without sound descriptions, and how many were taken out."""
    n = len(_SOUND.findall(text))
    return " ".join(_SOUND.sub(" ", text).split()).strip(" -–—"), n


def cues_from(raw: list[tuple[int, float, float, str | list[tuple[str | None, str]], str | None]],
              speakers: list[str] | None = None) -> list[Cue]:
    """Cues from (number, start, end, content, voice tag). Content is the cue's text with its markup (SRT), or,
    for WebVTT, (voice, text) parts with the markup already taken out (vtt_parts), each voice span a turn of its
    own. `speakers`, when given, is the only list of labels accepted (case-insensitive, `LABEL=Track` renames),
    in the order of the tracks. Where cue numbers repeat (a file numbering every cue 0), a cue's number is its
    position, so that messages tell cues apart."""
    parsed = []
    for number, a, b, content, voice in raw:
        if isinstance(content, str):
            turns = _turns(content, voice)
        else:
            turns = [t for v, text in content for t in _turns(text, v or voice, markup=False)]
        parsed.append((number, a, b, turns))
    numbers = [n for n, *_ in parsed]
    if len(set(numbers)) < len(numbers):
        parsed = [(k + 1, a, b, turns) for k, (_, a, b, turns) in enumerate(parsed)]
    allowed = None
    if speakers:
        allowed = {}
        for item in speakers:
            label, _, track = item.partition("=")
            allowed[key(label)] = (track or label).strip()
    uses = count_labels([f"{t.name}: x" for *_, turns in parsed for t in turns if t.name])
    strict = sum(1 for *_, turns in parsed for t in turns if t.name and looks_like_name(t.name, uses[key(t.name)],
                                                                                       t.bracket))
    dialogue = strict >= 2
    out: list[Cue] = []
    current: str | None = None  # the speaker who is talking
    previous: str | None = None  # the one before, who answers an unnamed turn
    for index, (number, start, end, turns) in enumerate(parsed):
        parts: list[list] = []  # [speaker, body, lyrics, voice]
        for i, t in enumerate(turns):
            name = None
            if t.voice:
                name = t.voice.strip()
            elif t.name is not None:
                if allowed is not None:
                    name = allowed.get(key(t.name))
                elif looks_like_name(t.name, uses[key(t.name)], t.bracket, dialogue):
                    name = t.name
            body = t.rest if name is not None else t.body
            if (name is None and t.name is not None and t.marker is None and parts and parts[-1][2] == t.lyrics
                    and parts[-1][3] == t.voice):
                parts[-1][1] += " " + body  # a refused label ("Rule one: ...") is text: the turn goes on
                continue
            if name is None and t.marker and current is not None and (i > 0 or t.marker == ">>"):
                name = previous  # an unnamed turn: the other speaker answers (None if nobody else has spoken)
            elif name is None:
                name = current  # no label: the speaker who was talking goes on
            if name is not None and name != current:
                previous, current = current, name
            parts.append([name, body, t.lyrics, t.voice])
        pieces = []
        for name, body, lyrics, _ in parts:
            spoken, n_sounds = _speech(_strip_music(body) if lyrics else body)
            display = " ".join(body.split())
            kind = LYRICS if lyrics and spoken else SPEECH if spoken else SOUND
            pieces.append(Cue(start, end, spoken, name, number, display, kind, n_sounds, index, (start, end)))
        out.extend(_shared(pieces, lambda c: c.kind != SOUND))
    return out


def _shared(pieces: list[Cue], speaks) -> list[Cue]:
    """The turns of one cue with its time shared in proportion to what each says (those `speaks` refuses get
    none); with nobody speaking, each keeps the whole cue."""
    weights = [max(len(p.text), 1) if speaks(p) else 0 for p in pieces]
    total = sum(weights)
    if total == 0:
        return pieces
    start, end = pieces[0].slot
    out, t0 = [], start
    for p, w in zip(pieces, weights):
        t1 = t0 + (end - start) * w / total
        out.append(replace(p, start=t0, end=t1) if w else replace(p, start=t0, end=t0))
        t0 = t1
    return out


def arrange(cues: list[Cue], speak_lyrics: bool = False) -> tuple[list[Cue], list[Cue]]:
    """(the cues to speak, the cues only shown), as a dub lays them out. Each cue's time goes to the turns that
    are spoken, so a sound description or skipped lyric line does not take time from the speech beside it; what
    is not spoken is shown with the spoken turn after it (or before, at the cue's end), and a cue with nothing
    to speak is shown whole over its own time, never as a cue of no length."""
    def speaks(c: Cue) -> bool:
        return c.kind == SPEECH or (c.kind == LYRICS and speak_lyrics)

    groups: dict[int, list[Cue]] = {}
    for c in cues:
        groups.setdefault(c.index, []).append(c)
    spoken: list[Cue] = []
    shown: list[Cue] = []
    for pieces in groups.values():
        pieces = _shared(pieces, speaks)
        if not any(speaks(p) for p in pieces):
            start, end = pieces[0].slot
            kind = LYRICS if any(p.kind == LYRICS for p in pieces) else SOUND
            shown.append(replace(pieces[0], start=start, end=end, kind=kind, text="",
                                 display="\n".join(p.display for p in pieces if p.display),
                                 sounds=sum(p.sounds for p in pieces)))
            continue
        waiting: list[str] = []
        mine: list[Cue] = []
        for p in pieces:
            if not speaks(p):
                waiting.append(p.display)
            else:
                mine.append(replace(p, display="\n".join(waiting + [p.display])) if waiting else p)
                waiting = []
        if waiting:
            mine[-1] = replace(mine[-1], display="\n".join([mine[-1].display] + waiting))
        spoken.extend(mine)
    return spoken, shown


def vtt_parts(raw_text: str) -> list[tuple[str | None, str]]:
    """A WebVTT cue's text as (voice, text) parts: each <v Name> span is one, text outside spans has none.
    Tags and timestamps are taken out and character references (&amp;, &lt;, &nbsp;, &#233;) decoded."""
    parts: list[tuple[str | None, str]] = []
    pos, voice = 0, None
    text = _VTT_RUBY_TEXT.sub("", raw_text)
    for m in _VTT_VOICE.finditer(text):
        parts.extend(_closed(voice, text[pos:m.start()]))
        voice = html.unescape(m.group(1) or "").strip() or None
        pos = m.end()
    parts.extend(_closed(voice, text[pos:]))
    return [(v, html.unescape(_VTT_TAG.sub("", t))) for v, t in parts if _VTT_TAG.sub("", t).strip()]


def _closed(voice: str | None, text: str) -> list[tuple[str | None, str]]:
    """Text inside a voice span, split where </v> closes it (what follows has no voice)."""
    pieces = re.split(r"</v\s*>", text, maxsplit=1, flags=re.I)
    return [(voice, pieces[0])] + [(None, rest) for rest in pieces[1:]]


_LONG_NUMBER = re.compile(r"\d{13}")
_TIME_START = re.compile(r"\s*\d+:\d")


def _srt_line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_srt(text: str, name: str) -> None:
    """The srt library reads "00:00:04,5O0" as 4.005 s (the rest becomes a cue setting) and reports a broken
    arrow at the cue before: check each cue's time range first, naming its line and what it reads."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        first = i
        while i < len(lines) and lines[i].strip():
            i += 1
        block = lines[first:i]
        k = 1 if block[0].strip().lstrip("\ufeff").isdigit() and len(block) > 1 else 0
        timing = block[k]
        if k == 0 and "-->" not in timing and not _TIME_START.match(timing):
            continue  # not a cue's start: text the srt library judges
        if ("-->" in timing or _LOOKS_TIMED.search(timing)) and not _SRT_TIMING.match(timing):
            raise SubtitleError(f"{name} cannot be read at line {first + k + 1}: the time range "
                                f"\"{_short(timing)}\" is not valid; write it as 00:00:01,000 --> 00:00:02,500.")


def read_srt(text: str, name: str = "The SRT file", speakers: list[str] | None = None) -> list[Cue]:
    import srt

    text = valid_unicode(text)
    for number, ln in enumerate(text.splitlines(), 1):
        # A time field of hundreds of digits takes the srt library's pattern seconds to reject: refuse it first.
        if ("-->" in ln or _TIME_START.match(ln)) and _LONG_NUMBER.search(ln):
            raise SubtitleError(f"{name} cannot be read at line {number}: a timestamp has a number of more than 12 "
                                "digits; write times as HH:MM:SS,mmm.")
    _check_srt(text, name)
    try:
        subs = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = _srt_line(text, exc.expected_start)
        found = next((ln for ln in text[exc.expected_start:].splitlines() if ln.strip()), "")
        raise SubtitleError(f"{name} cannot be read at line {line}: a cue there should be a number, then a time "
                            f"range like 00:00:01,000 --> 00:00:02,500, but the line reads \"{_short(found)}\".")\
            from None
    except (srt.TimestampParseError, ValueError, OverflowError) as exc:  # Overflow: a 20-digit hour
        raise SubtitleError(f"{name} cannot be read: a timestamp is invalid ({_short(str(exc))}); write times "
                            "as HH:MM:SS,mmm.") from None
    timing_lines = [i + 1 for i, ln in enumerate(text.splitlines()) if "-->" in ln]
    raw = []
    for k, sub in enumerate(subs):
        a, b = sub.start.total_seconds(), sub.end.total_seconds()
        line = timing_lines[k] if k < len(timing_lines) else 0
        _check_range(name, line, sub.index, a, b)
        raw.append((sub.index, a, b, sub.content, None))
    return cues_from(raw, speakers)


def _check_range(name: str, line: int, number: int, a: float, b: float) -> None:
    if b > MAX_TIMELINE_S:
        raise SubtitleError(f"{name}, line {line}: cue {number} ends {b / 3600:.0f} hours in, beyond the "
                            f"{MAX_TIMELINE_S // 3600} hours a project may last; fix its time range.")
    if a < 0 or b <= a:
        raise SubtitleError(f"{name}, line {line}: cue {number} ends at {b:.3f} s, not after its start at "
                            f"{a:.3f} s; fix its time range.")
    if b - a > 3600:
        raise SubtitleError(f"{name}, line {line}: cue {number} lasts {b - a:.0f} s, more than an hour; fix its "
                            "time range.")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    try:
        return sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
    except (ValueError, OverflowError):
        return math.inf  # refused by _check_range


def _check_vtt(text: str, name: str) -> list[int]:
    """webvtt-py drops a malformed cue without a word; check every block first. Returns the line of each cue's
    timing line."""
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise SubtitleError(f"{name} cannot be read at line 1: a WebVTT file starts with WEBVTT, but the line reads "
                            f"\"{_short(lines[0] if lines else '')}\".")
    timings, i = [], 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        if block_start == 1 or re.match(r"^(NOTE|STYLE|REGION)\b", block[0]):
            continue  # header settings, comments, style and region blocks
        k = next((j for j, ln in enumerate(block[:2]) if "-->" in ln), None)
        if k is None:  # name the line meant as the time range (a broken arrow), else the block's first
            k = next((j for j, ln in enumerate(block[:2]) if _LOOKS_TIMED.search(ln)), 0)
            raise SubtitleError(f"{name} cannot be read at line {block_start + k + 1}: a cue should have a time "
                                "range like 00:00:01.000 --> 00:00:02.500, but the line reads "
                                f"\"{_short(block[k])}\".")
        if not _VTT_TIMING.match(block[k]):
            raise SubtitleError(f"{name} cannot be read at line {block_start + k + 1}: the time range "
                                f"\"{_short(block[k])}\" is not valid; write it as 00:00:01.000 --> 00:00:02.500.")
        timings.append(block_start + k + 1)
    return timings


def read_vtt(text: str, name: str = "The WebVTT file", speakers: list[str] | None = None) -> list[Cue]:
    import webvtt

    text = valid_unicode(text)
    timing_lines = _check_vtt(text, name)
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except Exception as exc:  # noqa: BLE001 - webvtt raises its own and stdlib errors; the user gets one sentence
        raise SubtitleError(f"{name} cannot be read ({exc.__class__.__name__}); it must start with WEBVTT and "
                            "have valid cue timings.") from None
    raw = []
    for k, c in enumerate(captions):
        a, b = _seconds(c.start), _seconds(c.end)
        _check_range(name, timing_lines[k] if k < len(timing_lines) else 0, k + 1, a, b)
        raw.append((k + 1, a, b, vtt_parts(c.raw_text), None))
    return cues_from(raw, speakers)


def read_subtitles(path: str | Path, text: str, speakers: list[str] | None = None, kind: str | None = None
                   ) -> list[Cue]:
    """All cues, sound-only ones included (kind SOUND), sorted by start. `kind` is "srt" or "vtt"; by default
    the file's suffix decides."""
    name = Path(path).name
    vtt = kind == "vtt" or (kind is None and str(path).lower().endswith(".vtt"))
    cues = read_vtt(text, name, speakers) if vtt else read_srt(text, name, speakers)
    if not any(c.kind != SOUND for c in cues):
        raise SubtitleError(f"{name} has no cues with text to speak.")
    return sorted(cues, key=lambda c: (c.start, c.number))


def _td(seconds: float) -> timedelta:
    return timedelta(seconds=max(0.0, seconds))


def cue_text(text: str, vtt: bool = False) -> str:
    """Text as a cue may hold it: "-->" marks a timing line in both formats (WebVTT forbids it in text, and an
    SRT reader splits the cue there), and an empty line ends a cue; in WebVTT, & and < start markup."""
    text = text.replace("-->", "\u2192")
    if vtt:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    lines = [ln.strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln) or "\u2026"


def write_srt(path: str | Path, entries: list[tuple[float, float, str, str]]) -> None:
    """entries: (start, end, speaker, text)."""
    import srt

    subs = [srt.Subtitle(i + 1, _td(a), _td(b), cue_text(f"{who}: {text}" if who else text))
            for i, (a, b, who, text) in enumerate(entries)]
    Path(path).write_text(srt.compose(subs, reindex=False), encoding="utf-8")


def write_vtt(path: str | Path, entries: list[tuple[float, float, str, str]]) -> None:
    import webvtt
    from webvtt import Caption

    def stamp(s: float) -> str:
        ms = int(round(s * 1000))
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
    vtt = webvtt.WebVTT()
    for a, b, who, text in entries:
        who = cue_text(who, vtt=True).replace("\n", " ") if who else ""
        vtt.captions.append(Caption(stamp(a), stamp(b), f"<v {who}>{cue_text(text, vtt=True)}" if who
                                    else cue_text(text, vtt=True)))
    vtt.save(str(path))
