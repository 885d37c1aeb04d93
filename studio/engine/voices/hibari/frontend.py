"""Text to hibari's token ids, and the written words each phoneme belongs to.

hibari reads misaki-style phoneme strings (Kokoro's alphabet), one token per character, with id 0 at both ends;
its own G2P makes them, without espeak. The G2P normalizes first ("3/4" -> "March fourth"), so the spoken words
cannot be matched to the written ones by count: each written word (core.words) is phonemized alone and aligned
letter by letter with the sentence (the same alignment the Piper voices use, voices/word_labels.py). Every
written word keeps at least one phoneme, in order; punctuation becomes a pause of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core.analysis import AnalysisError
from studio.core.words import word_tokens

from studio.engine.voices.tokens import Group, WordGroups, group_tokens
from studio.engine.voices.word_labels import assign


@dataclass(frozen=True)
class Tokens:
    ids: tuple[int, ...]  # with the 0 pad at both ends
    phonemes: str  # the characters behind ids[1:-1]
    words: tuple[WordGroups, ...]  # token indices into ids

    def groups(self) -> list[tuple[int, ...]]:
        return [g.tokens for w in self.words for g in w.phonemes]


def _known(phonemes: str, vocab: dict[str, int]) -> str:
    # hibari drops characters outside its vocabulary; dropping them first keeps characters and tokens aligned.
    return "".join(c for c in phonemes if c in vocab)


# IPA (as a lexicon entry or an SSML <phoneme> writes it) to hibari's misaki alphabet: diphthongs and
# affricates are one letter there, American r is ɹ, and vowel length is not written. Longest first.
_IPA_TO_MISAKI = (("eɪ", "A"), ("aɪ", "I"), ("aʊ", "W"), ("ɔɪ", "Y"), ("oʊ", "O"), ("əʊ", "O"), ("dʒ", "ʤ"),
                  ("tʃ", "ʧ"), ("ɝ", "ɜɹ"), ("ɜː", "ɜɹ"), ("ː", ""), ("ˑ", ""), ("r", "ɹ"), ("g", "ɡ"), ("ɫ", "l"),
                  ("ʍ", "w"), ("e", "ɛ"), ("o", "O"), ("'", "ˈ"), (".", ""))
_PHONEME_INPUT = re.compile(r"(\[\[.+?\]\])")


def from_ipa(ipa: str) -> str:
    """IPA in hibari's alphabet (Capabilities.phoneme_input "ipa": the lexicon hands IPA over as [[...]])."""
    out = ipa.strip().strip("/")
    for a, b in _IPA_TO_MISAKI:
        out = out.replace(a, b)
    return out


def _phonemes(tts, text: str) -> str:
    """The sentence's phonemes: hibari's G2P for the text, IPA given as [[...]] converted as it is."""
    pieces = []
    for part in _PHONEME_INPUT.split(text):
        if part.startswith("[["):
            pieces.append(from_ipa(part[2:-2]))
        elif part.strip():
            pieces.append(" ".join(tts.phonemize(part)))
    return _known(" ".join(p.strip() for p in pieces), tts.vocab).strip()


def tokenize(tts, text: str) -> Tokens:
    """`tts` is a hibari.Hibari (its G2P and vocabulary)."""
    text = " ".join(text.split())
    phonemes = _phonemes(tts, text)
    if not any(c.isalpha() for c in phonemes):
        raise AnalysisError("hibari found nothing it can pronounce in this text; write it out in words.")
    written = word_tokens(text)
    inside = [m.span() for m in _PHONEME_INPUT.finditer(text)]
    ipa = [_known(from_ipa(t.raw.strip("[]")) if any(a <= t.start < b for a, b in inside) else tts.g2p(t.raw),
                  tts.vocab) for t in written]
    phonemes = _unbroken(phonemes, ipa)
    ids = (0, *(tts.vocab[c] for c in phonemes), 0)
    spoken = group_tokens(phonemes, add_blank=False, use_eos_bos=True)
    words = assign(spoken, [t.text for t in written], ipa)
    return Tokens(ids, phonemes, tuple(_join_split_words(words, len(written))))


def _unbroken(phonemes: str, ipa: list[str]) -> str:
    """The sentence's phonemes without the commas the normalizer put inside one written word ("10/19/2010" is
    "October nineteenth, twenty ten"): a pause there splits the word, and the letter alignment then gives its
    first half to the word before and its year to the word after, so that the year is lost from the word."""
    pos = 0
    for word in ipa:
        inner = word.strip(" ,.;:!?")
        if "," not in inner:
            continue
        at = phonemes.find(inner, pos)
        if at < 0:
            continue
        joined = inner.replace(",", "")
        phonemes = phonemes[:at] + joined + phonemes[at + len(inner):]
        pos = at + len(joined)
    return phonemes


def _join_split_words(words: list[WordGroups], n_written: int) -> list[WordGroups]:
    """The normalizer puts commas inside a written word ("3/4/2021" -> "March fourth, twenty twenty-one"), which
    splits it around a pause. Such a word is joined again, the comma's tokens lengthening the phoneme before it
    (as a space's do), until there are as many words as were written; "no, no" stays two words."""
    out = list(words)
    i = 1
    while sum(1 for w in out if w.text) > n_written and i < len(out) - 1:
        left, pause, right = out[i - 1], out[i], out[i + 1]
        if not pause.text and left.text and left.text == right.text:
            last = left.phonemes[-1]
            grown = Group(last.symbol, last.tokens + tuple(t for g in pause.phonemes for t in g.tokens))
            out[i - 1:i + 2] = [WordGroups(left.text, left.phonemes[:-1] + (grown,) + right.phonemes)]
        else:
            i += 1
    return out
