"""Carrying the user's edits across a text edit.

When a segment's text changes, the voice analyses the new text from scratch. Phonemes that are still there
(the same symbol in the same place of the aligned phoneme sequences) keep their deltas and their lock.
"""

from __future__ import annotations

import copy
from difflib import SequenceMatcher

from studio.core.model import Word


def carry_edits(old_words: list[Word], new_words: list[Word]) -> list[Word]:
    """A copy of `new_words` with the deltas of matching phonemes from `old_words`."""
    result = copy.deepcopy(new_words)
    old = [p for w in old_words for p in w.phonemes]
    new = [p for w in result for p in w.phonemes]
    matcher = SequenceMatcher(a=[p.symbol for p in old], b=[p.symbol for p in new], autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            src, dst = old[block.a + k], new[block.b + k]
            dst.duration_scale, dst.pitch_st, dst.energy_db, dst.locked = (
                src.duration_scale, src.pitch_st, src.energy_db, src.locked)
    return result
