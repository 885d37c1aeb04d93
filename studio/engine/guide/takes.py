"""Takes: the same line rendered with other seeds, judged by the proof pass, the best one chosen.

A take is a seed: the project keeps the chosen seed, never the audio (renders are repeatable per seed). Take i of a
line whose seed is s renders with seed s + i, so take 1 is always the line as it is now. The best take has the
fewest flagged words (guide.proof.LineProof.penalty: a missing word counts twice), then the duration closest to the
line's intended duration (its phonemes' durations with their edits), then the better mean acoustic score.

One guard: another take replaces the line's current take (the first) only when its penalty is at least
SWITCH_MARGIN lower. A single doubtful word is weak evidence (about 3 % of clean words are flagged, so a third of
clean 12-word lines carry one), and on the benchmark (docs/proof.md) switching takes on a one-flag difference
raised the word error rate; a missing word, or two doubtful ones, is worth a switch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from studio.engine.guide.proof import LineProof, ProofCache, proof
from studio.engine.voices.backbone import RenderRequest, RenderResult

MAX_TAKES = 16
SWITCH_MARGIN = 2


@dataclass(frozen=True)
class Take:
    seed: int
    result: RenderResult
    proof: LineProof
    meant: float  # seconds the line is meant to last

    @property
    def duration(self) -> float:
        b = self.result.boundaries
        return (b[-1] - b[0]) / self.result.sample_rate

    @property
    def off_by(self) -> float:
        """Relative distance of the take's duration from the intended one."""
        return abs(self.duration - self.meant) / max(self.meant, 1e-3)

    def rank(self) -> tuple:
        return (self.proof.penalty, round(self.off_by, 3), -self.proof.mean_score)


def intended_duration(request: RenderRequest) -> float:
    return sum(p.duration * p.duration_scale for p in request.phonemes())


def take_seeds(seed: int, n: int) -> list[int]:
    if not 1 <= n <= MAX_TAKES:
        raise ValueError(f"The number of takes must be between 1 and {MAX_TAKES}, not {n}.")
    return [seed + i for i in range(n)]


def render_takes(request: RenderRequest, n: int, render: Callable[[RenderRequest], RenderResult],
                 cache: ProofCache | None = None, first: RenderResult | None = None) -> list[Take]:
    """N takes of the request (seeds request.seed, +1, …), each proofed. `first` is the render already made for
    the request's own seed, if any."""
    meant = intended_duration(request)
    takes = []
    for seed in take_seeds(request.seed, n):
        r = replace(request, seed=seed)
        result = first if (seed == request.seed and first is not None) else render(r)
        found = cache.proof(r, result) if cache is not None else proof(r, result)
        takes.append(Take(seed, result, found, meant))
    return takes


def best_take(takes: list[Take]) -> tuple[Take, str]:
    """The best take and one sentence saying why it won."""
    if not takes:
        raise ValueError("There are no takes to choose from.")
    if len(takes) == 1:
        return takes[0], "the only take"
    current = takes[0]
    better = [t for t in takes[1:] if t.proof.penalty <= current.proof.penalty - SWITCH_MARGIN]
    if not better:
        rivals = min(t.proof.penalty for t in takes[1:])
        return current, (f"take 1 (seed {current.seed}) kept: {len(current.proof.flagged)} flagged words, and no "
                         f"other take is clearly better (best other: penalty {rivals} against {current.proof.penalty})")
    ranked = sorted(better, key=lambda t: t.rank())
    win = ranked[0]
    number = takes.index(win) + 1
    runner = ranked[1] if len(ranked) > 1 else current
    flags = len(win.proof.flagged)
    if win.proof.penalty < runner.proof.penalty:
        why = (f"fewest flagged words ({flags}; take {takes.index(runner) + 1} has {len(runner.proof.flagged)})")
    elif win.off_by < runner.off_by:
        why = (f"{flags} flagged words like take {takes.index(runner) + 1}, and closest to the intended duration "
               f"({win.duration:.2f} s for {win.meant:.2f} s)")
    else:
        why = f"tied on flags and duration; the better acoustic score ({win.proof.mean_score:.1f})"
    return win, f"take {number} (seed {win.seed}) won: {why}"
