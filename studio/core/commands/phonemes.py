"""Edits of phonemes: pitch, energy, duration and lock, set, shifted or reset for some phonemes of a segment."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from studio.core.commands.base import Command, Macro
from studio.core.model import DURATION_SCALE_RANGE, ENERGY_LIMIT_DB, PITCH_LIMIT_ST, Project, clamp

_PHONEME_FIELDS: dict[str, Callable[[Any], Any]] = {
    "pitch_st": lambda v: clamp(float(v), -PITCH_LIMIT_ST, PITCH_LIMIT_ST),
    "energy_db": lambda v: clamp(float(v), -ENERGY_LIMIT_DB, ENERGY_LIMIT_DB),
    "duration_scale": lambda v: clamp(float(v), *DURATION_SCALE_RANGE),
    "locked": bool,
}
_LABELS = {"pitch_st": "Pitch", "energy_db": "Energy", "duration_scale": "Duration", "locked": "Lock"}


class SetPhonemes(Command):
    """Set one field (pitch_st, energy_db, duration_scale or locked) of some phonemes of a segment.

    `indices` are positions in `segment.phonemes()`; `values` is one value per index.
    """

    def __init__(self, segment_id: str, indices: Sequence[int], field: str, values: Sequence[Any]):
        if field not in _PHONEME_FIELDS:
            raise ValueError(f"phonemes have no editable field '{field}'")
        if len(indices) != len(values):
            raise ValueError("give one value per phoneme")
        self.segment_id, self.field = segment_id, field
        self.indices = tuple(int(i) for i in indices)
        self.values = tuple(_PHONEME_FIELDS[field](v) for v in values)
        self.old: tuple | None = None
        self.text = f"{_LABELS[field]} of {len(self.indices)} phoneme{'s' if len(self.indices) != 1 else ''}"
        self.merge_key = ("phonemes", segment_id, field, self.indices)

    def _targets(self, project: Project):
        phonemes = project.segment(self.segment_id).phonemes()
        for i in self.indices:
            if not 0 <= i < len(phonemes):
                raise IndexError(f"segment has no phoneme {i}")
        return [phonemes[i] for i in self.indices]

    def redo(self, project: Project) -> None:
        targets = self._targets(project)
        if self.old is None:
            self.old = tuple(getattr(p, self.field) for p in targets)
        for p, v in zip(targets, self.values):
            setattr(p, self.field, v)

    def undo(self, project: Project) -> None:
        for p, v in zip(self._targets(project), self.old):
            setattr(p, self.field, v)

    def merge(self, other: Command) -> bool:
        self.values = other.values  # keep our `old`: undo goes back to before the whole drag
        return True

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment_id}


def shift_phonemes(project: Project, segment_id: str, indices: Sequence[int], field: str,
                   delta: float) -> SetPhonemes:
    """Add `delta` to a numeric field of the chosen phonemes (a multiplicative factor for duration_scale)."""
    phonemes = project.segment(segment_id).phonemes()
    if field == "duration_scale":
        values = [phonemes[i].duration_scale * delta for i in indices]
    else:
        values = [getattr(phonemes[i], field) + delta for i in indices]
    return SetPhonemes(segment_id, indices, field, values)


def reset_phonemes(segment_id: str, indices: Sequence[int]) -> Macro:
    fields = (("pitch_st", 0.0), ("energy_db", 0.0), ("duration_scale", 1.0))
    return Macro([SetPhonemes(segment_id, indices, f, [v] * len(indices)) for f, v in fields], "Reset phonemes")
