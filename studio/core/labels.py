"""Speaker labels in scripts and subtitles: which prefix names a speaker and which is just text.

The forms recognised at the start of a line: `NAME: text`, `>> NAME: text` (closed captions), `- NAME: text`
(a dash starts a new speaker in a subtitle cue), `(NAME) text` and `[NAME] text`. A prefix is accepted as a label
only when it looks like a name: at most three words and 32 characters, every word capitalised, and either all
capitals or used as a label on more than one line. So "Just remember:" stays text, "TOM:" is a speaker once,
and "Tom:" is a speaker from its second line on. A bracketed prefix that reads like a sound ("[DOOR SLAMS]",
"(sighs)") is never a name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_NAME_CHARS = r"[^\W_][\w.'’#\- ]{0,31}?"
_COLON = re.compile(rf"^({_NAME_CHARS})\s*:\s+(\S.*)$", re.S)
_BRACKET = re.compile(rf"^[\[(]\s*({_NAME_CHARS})\s*[\])]\s*:?\s*(\S.*)$", re.S)
_MARKER = re.compile(r"^\s*(>>+|[-–—](?=\s*\S)(?!\d))\s*")

# Words of sound descriptions in subtitles for the deaf and hard of hearing; a bracketed label holding one of
# them (or a verb form ending in -ING) describes a sound rather than naming a speaker.
SOUND_WORDS = set("""
music musical playing plays song singing sings humming hums whistling whistles applause applauding cheering cheers
laughter laughs laughing chuckles chuckling giggles giggling sighs sighing gasps gasping groans groaning grunts
grunting screams screaming shouts shouting yells yelling cries crying sobs sobbing sniffles sniffs coughs coughing
clears throat breathing breathes panting pants whispers whispering murmurs murmuring mumbles mumbling muttering
mutters stammers stutters exhales inhales scoffs snorts snoring snores yawns sneezes hiccups kisses kissing
footsteps knocking knocks knock door doors slams slamming creaks creaking bang bangs banging thud crash crashes
explosion gunshot gunshots gunfire siren sirens alarm ringing rings phone ringtone beeping beeps buzzing buzzes
engine car horn honks thunder rain wind birds chirping dog barks barking growls meows static silence silent
indistinct chatter chattering crowd background distant echoing continues continuing resumes ends stops fades
inaudible unintelligible speaking speaks foreign language sound sounds noise noises rumbling rustling clattering
splashing water tv radio over intercom narrating narrator's voice laughs sarcastically dramatic tense suspenseful
upbeat soft loud quietly softly
""".split())


@dataclass(frozen=True)
class LabelMatch:
    marker: str | None  # ">>" or "-" when the line starts a new speaker's turn, else None
    name: str | None  # the candidate label, not yet accepted
    bracket: bool  # the candidate was written (NAME) or [NAME]
    rest: str  # the line after the marker and label
    body: str = ""  # the line after the marker, label included: the text when the label is refused


def split_label(line: str) -> LabelMatch:
    """The turn marker and candidate speaker label at the start of `line` (see the module docstring)."""
    text = line.strip()
    marker = None
    if m := _MARKER.match(text):
        marker = ">>" if m.group(1).startswith(">") else "-"
        text = text[m.end():]
    if m := _COLON.match(text):
        return LabelMatch(marker, m.group(1).strip(), False, m.group(2).strip(), text)
    if m := _BRACKET.match(text):
        return LabelMatch(marker, m.group(1).strip(), True, m.group(2).strip(), text)
    return LabelMatch(marker, None, False, text, text)


def key(name: str) -> str:
    return " ".join(name.split()).upper()


def sounds_like_a_sound(name: str) -> bool:
    words = [w.strip(".'’#-").lower() for w in name.split()]
    return any(w in SOUND_WORDS or (w.endswith("ing") and len(w) > 4) for w in words) or name[:1].islower()


def looks_like_name(name: str, uses: int = 1, bracket: bool = False, dialogue: bool = False) -> bool:
    """Short, every word capitalised, and all capitals or used on more than one line; a bracketed name must also
    not read like a sound description. In a dialogue (other lines already carry accepted labels) a single
    capitalised word is a name even on its only line ("Bob: Fine.")."""
    words = name.split()
    if not words or len(words) > 3 or len(name) > 32:
        return False
    if not all(w[0].isupper() or w[0].isdigit() or w[0] == "#" for w in words):
        return False
    if not any(c.isalpha() for c in name) or re.search(r"[.!?]$", name) and not name.endswith("."):
        return False
    if bracket and sounds_like_a_sound(name):
        return False
    letters = [c for c in name if c.isalpha()]
    return all(c.isupper() for c in letters) or uses >= 2 or (dialogue and len(words) == 1 and not bracket)


def count_labels(lines: list[str]) -> Counter:
    """How many lines use each candidate label (by upper-case key): the evidence for Title Case names."""
    return Counter(key(m.name) for m in map(split_label, lines) if m.name)
