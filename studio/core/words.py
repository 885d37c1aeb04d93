"""What counts as a word of a text: one definition for the voices, SSML prosody and every exported word tier.

A word is a whitespace-separated token that holds something a reader says: a letter or digit, or a symbol that
is read aloud (& % $ # @ + ...). Tokens of bare punctuation ("—", "...", "-") are not words. A word's text is its
token with the punctuation around it stripped ("rain," -> "rain", "(sighs)" -> "sighs").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass



def _punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") and ch not in "&#%@"


def strip_punctuation(raw: str) -> str:
    a, b = 0, len(raw)
    while a < b and _punct(raw[a]):
        a += 1
    while b > a and _punct(raw[b - 1]):
        b -= 1
    return raw[a:b]


@dataclass(frozen=True)
class Token:
    start: int  # character offsets into the text
    end: int
    raw: str

    @property
    def text(self) -> str:
        return strip_punctuation(self.raw) or self.raw


def _spoken(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LNS" or ch in "&#%@"


def word_tokens(text: str) -> list[Token]:
    """The words of `text`, in order, with their character spans."""
    return [Token(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)
            if any(_spoken(c) for c in m.group())]


def words_of(text: str) -> list[str]:
    return [t.text for t in word_tokens(text)]
