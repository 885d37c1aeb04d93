"""Grouping a Coqui model's input tokens into the words and phonemes the editor shows.

Coqui feeds its models one token per character of the phonemized text ("həlˈoʊ wˈɜːld."), optionally with a
blank between characters and BOS/EOS around them. The editor wants IPA phonemes (a base letter with its length
mark, tie, or the following vowel of a diphthong) grouped into words, with punctuation as pauses. Each group owns
a contiguous run of token indices, so durations, pitch and energy of tokens sum or average into the phoneme's,
and an edit of the phoneme reaches exactly its tokens.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from studio.core.model import PAUSE

# Marks that modify the preceding letter rather than stand alone.
_MODIFIERS = set("ːˑ̩̯̃͡ʰʲʷˠˤ˞") | {"\u0361", "\u035c"}
_STRESS = set("ˈˌ")
# Second halves of English diphthongs (and r-colouring), joined to the vowel before them as espeak prints them.
_DIPHTHONG_TAILS = {("a", "ɪ"), ("a", "ʊ"), ("e", "ɪ"), ("o", "ʊ"), ("ɔ", "ɪ"), ("ə", "ʊ"), ("ɪ", "ə"), ("ʊ", "ə"),
                    ("e", "ə"), ("ɛ", "ə"), ("d", "ʒ"), ("t", "ʃ")}
_PUNCTUATION = set(".,;:!?¡¿—…\"«»“”()-")


@dataclass(frozen=True)
class Group:
    symbol: str  # IPA of the phoneme, or PAUSE
    tokens: tuple[int, ...]  # indices into the model's token sequence


@dataclass(frozen=True)
class WordGroups:
    text: str
    phonemes: tuple[Group, ...]


def _is_modifier(ch: str) -> bool:
    return ch in _MODIFIERS or unicodedata.combining(ch) != 0


def group_tokens(phoneme_text: str, add_blank: bool, use_eos_bos: bool,
                 words: list[str] | None = None) -> list[WordGroups]:
    """Words and phoneme groups for the token sequence Coqui builds from `phoneme_text`.

    `words` are the written words, matched in order to the phonemized words when the counts agree (espeak keeps
    one phonemized word per written word in nearly all cases); otherwise the IPA itself labels each word.
    """
    # Token index of character i of phoneme_text, following Coqui's TTSTokenizer.text_to_ids.
    def tok(i: int) -> int:
        j = 2 * i + 1 if add_blank else i
        return j + 1 if use_eos_bos else j

    n_chars = len(phoneme_text)
    n_tokens = tok(n_chars - 1) + 1 + (1 if add_blank else 0) + (1 if use_eos_bos else 0) if n_chars else 0
    out: list[list] = []  # [text, [[symbol, [token indices]], ...]]
    current: list | None = None
    pending_stress: list[int] = []
    for i, ch in enumerate(phoneme_text):
        t = tok(i)
        owned = [t]
        if ch == " ":
            current = None
            pending_stress.clear()
            # A space's token (and its blank) lengthens the previous phoneme; there is no silence of its own.
            if out and out[-1][1]:
                out[-1][1][-1][1].extend(owned)
            continue
        if ch in _PUNCTUATION:
            out.append(["", [[PAUSE, owned]]])
            current = None
            continue
        if current is None:
            current = ["", []]
            out.append(current)
        phones = current[1]
        if ch in _STRESS:
            pending_stress.extend(owned)
            continue
        if phones and (_is_modifier(ch) or (phones[-1][0][-1:], ch) in _DIPHTHONG_TAILS and len(phones[-1][0]) == 1):
            phones[-1][0] += ch
            phones[-1][1].extend(owned)
            continue
        phones.append([ch, pending_stress + owned])
        pending_stress = []
    # Blanks, BOS and EOS are tokens too: each goes to the group of the nearest owned token before it (the first
    # group for leading ones), so every group owns one contiguous run and every token has exactly one owner.
    groups = [g for _, phones in out for g in phones]
    owner = {t: gi for gi, (_, toks) in enumerate(groups) for t in toks}
    current_owner = 0
    for t in range(n_tokens):
        if t in owner:
            current_owner = owner[t]
        else:
            groups[current_owner][1].append(t)
    result: list[WordGroups] = []
    written = [w for w in (words or [])]
    spoken = [w for w in out if w[0] == "" and not (len(w[1]) == 1 and w[1][0][0] == PAUSE)]
    labels = iter(written) if len(written) == len(spoken) else None
    for text, phones in out:
        is_pause = len(phones) == 1 and phones[0][0] == PAUSE
        if not phones:
            continue
        label = "" if is_pause else (next(labels) if labels else "".join(p[0] for p in phones))
        result.append(WordGroups(label, tuple(Group(sym, tuple(sorted(toks))) for sym, toks in phones)))
    return result
