"""Which written word each spoken phoneme belongs to, for a voice phonemized clause by clause (Piper voices).

espeak reads a clause as a whole: "$20.50" becomes five spoken words, and "in a row" or "did not" become fewer
spoken words than written ones. So the spoken words of the phoneme string cannot be matched to the written
words by count. Instead each written word is phonemized alone, and the phoneme letters of those words, in
order, are aligned with the phoneme letters of the utterance (difflib's longest matching blocks); a phoneme
belongs to the written word its letters align with. Every written word (core.words) comes out exactly once, in
order, and owns at least one phoneme wherever there are enough phonemes to go round.
"""

from __future__ import annotations

import difflib
import unicodedata

from studio.core.model import PAUSE

from .tokens import Group, WordGroups


def _letters(ipa: str) -> str:
    """The phoneme letters of IPA, without stress, length or other marks that espeak places differently in
    context."""
    return "".join(c for c in unicodedata.normalize("NFD", ipa)
                   if c.isalpha() and unicodedata.category(c) != "Lm")


def assign(spoken: list[WordGroups], written: list[str], written_ipa: list[str]) -> list[WordGroups]:
    """The spoken words regrouped into the written ones (pauses stay words of their own, with empty text)."""
    flat = [(g, wg.text == "" and len(wg.phonemes) == 1 and g.symbol == PAUSE) for wg in spoken for g in wg.phonemes]
    speech = [g for g, is_pause in flat if not is_pause]
    if not written or not speech:
        return spoken
    ref, ref_word = [], []
    for wi, ipa in enumerate(written_ipa):
        for ch in _letters(ipa):
            ref.append(ch)
            ref_word.append(wi)
    hyp, hyp_group = [], []
    for gi, g in enumerate(speech):
        for ch in _letters(g.symbol) or "?":
            hyp.append(ch)
            hyp_group.append(gi)
    owner: list[int | None] = [None] * len(hyp)
    for a, b, size in difflib.SequenceMatcher(None, ref, hyp, autojunk=False).get_matching_blocks():
        for k in range(size):
            owner[b + k] = ref_word[a + k]
    word_of = [0] * len(speech)
    last = 0
    for gi in range(len(speech)):
        found = [owner[k] for k in range(len(hyp)) if hyp_group[k] == gi and owner[k] is not None]
        last = max(last, found[0]) if found else last  # unmatched phonemes stay with the word before them
        word_of[gi] = last
    word_of = _give_every_word_a_phoneme(word_of, len(written))
    out: list[WordGroups] = []
    it = iter(word_of)
    current: list[Group] = []
    current_word = None
    for g, is_pause in flat:
        if is_pause:
            if current:
                out.append(WordGroups(written[current_word], tuple(current)))
                current = []
            out.append(WordGroups("", (g,)))
            continue
        w = next(it)
        if current and w != current_word:
            out.append(WordGroups(written[current_word], tuple(current)))
            current = []
        current_word = w
        current.append(g)
    if current:
        out.append(WordGroups(written[current_word], tuple(current)))
    return _label_missing(out, written)


def _give_every_word_a_phoneme(word_of: list[int], n_words: int) -> list[int]:
    """Move phonemes across word boundaries so that every word owns at least one, where possible: a word that
    aligned with nothing takes the last phoneme of the word before it (or the first of the word after)."""
    word_of = list(word_of)
    for _ in range(n_words):
        present = set(word_of)
        missing = [w for w in range(n_words) if w not in present]
        if not missing:
            break
        w = missing[0]
        before = [i for i, x in enumerate(word_of) if x < w]
        after = [i for i, x in enumerate(word_of) if x > w]
        if before and word_of.count(word_of[before[-1]]) > 1:
            word_of[before[-1]] = w
        elif after and word_of.count(word_of[after[0]]) > 1:
            word_of[after[0]] = w
        else:
            break  # fewer phonemes than words: the rest are named on their neighbours below
    return word_of


def _label_missing(out: list[WordGroups], written: list[str]) -> list[WordGroups]:
    """Words that own no phoneme (more words than phonemes) join the label of the word before them, so every
    written word still appears once, in order."""
    labels = [w.text for w in out if w.text]
    if labels == written:
        return out
    result, wi = [], 0
    for w in out:
        if not w.text:
            result.append(w)
            continue
        k = written.index(w.text, wi) if w.text in written[wi:] else wi
        text = " ".join(written[wi:k + 1])
        wi = k + 1
        result.append(WordGroups(text, w.phonemes))
    if wi < len(written):
        last = max((i for i, w in enumerate(result) if w.text), default=None)
        if last is not None:
            result[last] = WordGroups(" ".join([result[last].text, *written[wi:]]), result[last].phonemes)
    return result
