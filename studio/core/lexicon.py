"""The pronunciation lexicon: words the voice gets wrong, and how to say them.

An entry maps a word (matched whole and case-insensitively) to either a respelling ("Nguyen" -> "win") or an
IPA transcription written between slashes ("/ˈnwɪn/"). Entries are applied to the text before any voice
phonemizes it, so they work the same on every backbone: a respelling is plain text, and IPA becomes espeak-ng's
phoneme input `[[...]]`, which the embedded voice reads directly. A voice that cannot read phoneme input
leaves IPA entries out (`apply(..., phoneme_input=False)`).

The project's entries travel with the project file; the editor adds the user's global entries, the project's
winning where both define a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core.errors import UserError

MAX_ENTRY_CHARS = 80

# IPA to espeak-ng phoneme mnemonics (English). Longest symbols first when tokenizing.
_IPA_TO_ESPEAK = {
    "tʃ": "tS", "dʒ": "dZ", "eɪ": "eI", "aɪ": "aI", "ɔɪ": "OI", "oʊ": "oU", "əʊ": "oU", "aʊ": "aU",
    "ɪə": "i@", "eə": "e@", "ɛə": "e@", "ʊə": "U@", "iː": "i:", "uː": "u:", "ɑː": "A:", "ɔː": "O:",
    "ɜː": "3:", "ɝ": "3:", "ɚ": "3", "i": "i", "ɪ": "I", "e": "E", "ɛ": "E", "æ": "a", "a": "a", "ɑ": "A:",
    "ɒ": "0", "ɔ": "O:", "o": "oU", "ʊ": "U", "u": "u:", "ʌ": "V", "ə": "@", "ɐ": "a#", "ɜ": "3:",
    "p": "p", "b": "b", "t": "t", "d": "d", "k": "k", "g": "g", "ɡ": "g", "f": "f", "v": "v", "θ": "T",
    "ð": "D", "s": "s", "z": "z", "ʃ": "S", "ʒ": "Z", "h": "h", "m": "m", "n": "n", "ŋ": "N", "l": "l",
    "ɫ": "l", "r": "r", "ɹ": "r", "ɾ": "t#", "w": "w", "j": "j", "ʔ": "?", "x": "x",
    "ˈ": "'", "ˌ": ",", ".": "", "ː": ":",
}
_IPA_KEYS = sorted(_IPA_TO_ESPEAK, key=len, reverse=True)
_VOWELS = set("iɪeɛæaɑɒɔoʊuʌəɐɜɝɚ")


class LexiconError(UserError, ValueError):
    """An entry cannot be used; the message is one sentence for the user."""


def is_ipa(pronunciation: str) -> bool:
    p = pronunciation.strip()
    return len(p) > 2 and p.startswith("/") and p.endswith("/")


def ipa_to_espeak(ipa: str) -> str:
    """espeak-ng mnemonics for an IPA transcription (with or without the slashes)."""
    text = ipa.strip().strip("/").replace(" ", "")
    out, i, stress = [], 0, ""
    while i < len(text):
        key = next((k for k in _IPA_KEYS if text.startswith(k, i)), None)
        if key is None:
            raise LexiconError(f"The IPA symbol '{text[i]}' is not supported; use a respelling for this word.")
        if key in "ˈˌ":
            stress = _IPA_TO_ESPEAK[key]  # IPA marks the syllable, espeak the vowel: hold it until the vowel
        elif key[0] in _VOWELS:
            out.append(stress + _IPA_TO_ESPEAK[key])
            stress = ""
        else:
            out.append(_IPA_TO_ESPEAK[key])
        i += len(key)
    mnemonics = "".join(out)
    if not any(c.isalnum() or c in "@" for c in mnemonics):
        raise LexiconError("The IPA transcription has no sounds in it.")
    return mnemonics


def clean_word(word: str) -> str:
    word = " ".join(str(word).split()).strip(".,;:!?\"“”‘’()")
    if not word or len(word) > MAX_ENTRY_CHARS:
        raise LexiconError("A lexicon entry needs a word of at most 80 characters.")
    return word


def check_entry(word: str, pronunciation: str) -> tuple[str, str]:
    """The entry as stored (cleaned), or LexiconError."""
    word = clean_word(word)
    pron = " ".join(str(pronunciation).split())
    if not pron or len(pron) > MAX_ENTRY_CHARS:
        raise LexiconError(f"Give '{word}' a respelling or an IPA transcription between slashes.")
    if is_ipa(pron):
        ipa_to_espeak(pron)
    elif "[[" in pron or "]]" in pron or "<" in pron:
        raise LexiconError("A respelling is plain words; write IPA between slashes instead.")
    return word, pron


@dataclass(frozen=True)
class Replacement:
    original: str  # the word as written in the text
    spoken: str  # what the voice is given instead (one token)
    entry: str = ""  # the lexicon's pronunciation (IPA between slashes, or a respelling)


def _pattern(word: str) -> re.Pattern:
    return re.compile(r"(?<![\w'’\-])" + re.escape(word) + r"(?![\w'’\-])", re.IGNORECASE)


def merged(project_entries: dict[str, str], global_entries: dict[str, str] | None) -> dict[str, str]:
    """Global entries, overridden by the project's (compared case-insensitively)."""
    out = {k: v for k, v in (global_entries or {}).items()
           if k.lower() not in {p.lower() for p in project_entries}}
    out.update(project_entries)
    return out


def apply(text: str, entries: dict[str, str], phoneme_input: bool | str = True) -> tuple[str, list[Replacement]]:
    """The text with every lexicon word replaced, and what was replaced, in text order. IPA entries become
    `[[espeak mnemonics]]` for a voice that reads espeak's phoneme input (True or "espeak"), `[[IPA]]` for one
    whose front-end takes IPA as it is ("ipa": a converted Piper voice), and are skipped otherwise (False)."""
    if not entries:
        return text, []
    spans: list[tuple[int, int, str]] = []
    # Longer words first, so "New York" wins over "New".
    for word in sorted(entries, key=len, reverse=True):
        pron = entries[word]
        if is_ipa(pron):
            if not phoneme_input:
                continue
            if phoneme_input == "ipa":
                spoken = f"[[{pron.strip().strip('/')}]]"
            else:
                try:
                    spoken = f"[[{ipa_to_espeak(pron)}]]"
                except LexiconError:
                    continue
        else:
            spoken = "-".join(pron.split())  # one token, so the word stays one word on the timeline
        for m in _pattern(word).finditer(text):
            if not any(a < m.end() and m.start() < b for a, b, *_ in spans):
                spans.append((m.start(), m.end(), spoken, pron))
    if not spans:
        return text, []
    spans.sort()
    out, replaced, pos = [], [], 0
    for a, b, spoken, entry in spans:
        out.append(text[pos:a])
        out.append(spoken)
        replaced.append(Replacement(text[a:b], spoken, entry))
        pos = b
    out.append(text[pos:])
    return "".join(out), replaced


def _said(spoken: str) -> list[str]:
    """The chunks the voice was given for one replacement: "[[n'u: j'O@k]]" is ["n'u:", "j'O@k"]."""
    return (spoken[2:-2] if spoken.startswith("[[") else spoken).split()


def _sounds(chunk: str) -> int:
    """About how many sounds a chunk of IPA or espeak mnemonics holds: its letters, without stress and length."""
    return max(sum(c.isalpha() and c not in "ˈˌːˑ" for c in chunk), 1)


def _matches(text: str, chunk: str) -> bool:
    return text.strip("[]") == chunk.strip("[]") or text == chunk


def restore_words(words: list, replaced: list[Replacement]) -> list:
    """Give analysed words back the text the user wrote (the voice saw the respelling). A replacement of several
    written words ("New York" said as /ˈnuː ˈjɔːrk/) comes back as those written words, whatever the voice made of
    the pronunciation (one word, or one per chunk of IPA): its phonemes are split to them in proportion to the
    sounds of each chunk of the pronunciation (to their letters where the counts differ)."""
    from studio.core.model import Word

    if not replaced:
        return words
    out = list(words)
    i = 0
    for r in replaced:
        chunks = _said(r.spoken)
        written = r.original.split()
        j = next((k for k in range(i, len(out)) if out[k].text and (
            out[k].text in (r.spoken, r.original, " ".join(chunks)) or _matches(out[k].text, " ".join(chunks))
            or (chunks and _matches(out[k].text, chunks[0])))), None)
        if j is None:
            continue
        end = j + 1
        if out[j].text not in (r.spoken, r.original) and not _matches(out[j].text, " ".join(chunks)):
            rest = chunks[1:]  # the voice made one word of each chunk: take them all
            while rest and end < len(out) and _matches(out[end].text, rest[0]):
                rest.pop(0)
                end += 1
        group = out[j:end]
        if len(written) == 1:
            group[0].text = r.original
            for w in group[1:]:
                group[0].phonemes.extend(w.phonemes)
            out[j:end] = [group[0]]
        else:
            phonemes = [p for w in group for p in w.phonemes]
            said = r.entry.strip().strip("/").split() if r.entry else chunks
            weights = [_sounds(c) for c in said] if len(said) == len(written) else \
                [max(sum(c.isalnum() for c in w), 1) for w in written]
            total, cut, parts, acc = sum(weights), 0, [], 0
            for k, weight in enumerate(weights):
                acc += weight
                nxt = len(phonemes) if k == len(weights) - 1 else round(len(phonemes) * acc / total)
                nxt = min(max(nxt, cut + (1 if len(phonemes) - cut >= len(weights) - k else 0)), len(phonemes))
                parts.append(phonemes[cut:nxt])
                cut = nxt
            out[j:end] = [Word(text, part, group[0].emotion_intensity) for text, part in zip(written, parts)]
            end = j + len(written)
        i = j + (1 if len(written) == 1 else len(written))
    return out
