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

from studio.engine.voices.tokens import Group, WordGroups


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
    matched: list[int | None] = []
    for gi in range(len(speech)):
        found = [owner[k] for k in range(len(hyp)) if hyp_group[k] == gi and owner[k] is not None]
        matched.append(found[0] if found else None)
    # Speech phonemes with a pause just before them: a written word never spans a pause.
    breaks, gi = set(), 0
    for g, is_pause in flat:
        if is_pause:
            breaks.add(gi)
        else:
            gi += 1
    word_of = _fill_gaps(matched, len(written))
    word_of = _give_every_word_a_phoneme(word_of, len(written))
    word_of = _keep_words_within_pauses(word_of, breaks, len(written))
    out: list[tuple[int | None, WordGroups]] = []
    it = iter(word_of)
    current: list[Group] = []
    current_word = -1
    for g, is_pause in flat:
        if is_pause:
            if current:
                out.append((current_word, WordGroups(written[current_word], tuple(current))))
                current = []
            out.append((None, WordGroups("", (g,))))
            continue
        w = next(it)
        if current and w != current_word:
            out.append((current_word, WordGroups(written[current_word], tuple(current))))
            current = []
        current_word = w
        current.append(g)
    if current:
        out.append((current_word, WordGroups(written[current_word], tuple(current))))
    return _label_missing(out, written)


def _fill_gaps(matched: list[int | None], n_words: int) -> list[int]:
    """A word for every phoneme: matched ones keep theirs (made non-decreasing); a run of unmatched phonemes
    between words a and b goes to the words strictly between them, shared evenly, or else to a ("e.g." read as
    "for example" matches none of its letters, and sits between its neighbours)."""
    out: list[int] = []
    last = 0
    for w in matched:
        last = max(last, w) if w is not None else last
        out.append(last if w is not None else -1)
    i = 0
    while i < len(out):
        if out[i] != -1:
            i += 1
            continue
        j = i
        while j < len(out) and out[j] == -1:
            j += 1
        a = out[i - 1] if i > 0 else -1
        b = out[j] if j < len(out) else n_words
        between = list(range(a + 1, b))
        for k in range(i, j):
            out[k] = between[(k - i) * len(between) // (j - i)] if between else max(a, 0)
        i = j
    return out


def _keep_words_within_pauses(word_of: list[int], breaks: set[int], n_words: int) -> list[int]:
    """A word whose phonemes fall on both sides of a pause ("from, an": the "a" of "an", which matches nothing,
    sits between the two and was given to "from") keeps the side before the pause, and the phonemes after it go to
    the next word: a pause follows the punctuation of the word before it, so a word ends at a pause rather than
    starting before one. The last word keeps the side after the pause instead. So no word is said twice."""
    word_of = list(word_of)
    for cut in sorted(breaks):
        if not 0 < cut < len(word_of) or word_of[cut - 1] != word_of[cut]:
            continue
        w = word_of[cut]
        left = [i for i in range(cut) if word_of[i] == w]
        right = [i for i in range(cut, len(word_of)) if word_of[i] == w]
        if w + 1 < n_words:
            for i in right:
                word_of[i] = w + 1
        elif w > 0:
            for i in left:
                word_of[i] = w - 1
    return word_of


def _give_every_word_a_phoneme(word_of: list[int], n_words: int) -> list[int]:
    """Move phonemes across word boundaries so that every word owns at least one, where possible: the nearest
    word with phonemes to spare gives one, passed along the words in between (each keeps its count)."""
    word_of = list(word_of)
    for _ in range(n_words):
        counts = [word_of.count(w) for w in range(n_words)]
        missing = [w for w in range(n_words) if counts[w] == 0]
        if not missing:
            break
        w = missing[0]
        left = next((j for j in range(w - 1, -1, -1) if counts[j] > 1), None)
        right = next((j for j in range(w + 1, n_words) if counts[j] > 1), None)
        if left is not None and (right is None or w - left <= right - w):
            for k in range(left, w):  # word k hands its last phoneme to word k + 1
                last = max(i for i, x in enumerate(word_of) if x == k)
                word_of[last] = k + 1
        elif right is not None:
            for k in range(right, w, -1):  # word k hands its first phoneme to word k - 1
                first = min(i for i, x in enumerate(word_of) if x == k)
                word_of[first] = k - 1
        else:
            break  # fewer phonemes than words: the rest are named on their neighbours below
    return word_of


def _label_missing(out: list[tuple[int | None, WordGroups]], written: list[str]) -> list[WordGroups]:
    """Words that own no phoneme (more words than phonemes) join the label of the word before them (or the first
    word after), so every written word still appears once, in order."""
    present = sorted({w for w, _ in out if w is not None})
    extra: dict[int, list[int]] = {w: [w] for w in present}
    for w in range(len(written)):
        if w not in extra:
            host = max((p for p in present if p < w), default=None)
            host = host if host is not None else min(present)
            extra[host].append(w)
    result = []
    for w, group in out:
        if w is None:
            result.append(group)
        else:
            result.append(WordGroups(" ".join(written[k] for k in sorted(extra[w])), group.phonemes))
    return result
