"""Headless proof-listening and takes for `studio render --proof` and `--takes N`.

`keep_best_takes` renders N takes of every rendered line (engine.guide.takes), keeps the best one's audio and
seed in the project and says why it won; `proof_lines` judges every rendered line (engine.guide.proof, cached
under the render's key); `write_proof_report` writes proof-report.csv with one row per spoken word.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from studio.core.model import Project
from studio.engine.guide.proof import LineProof, ProofCache
from studio.engine.guide.takes import best_take, render_takes
from studio.engine.render.pipeline import render_request
from studio.engine.voices.backbone import RenderResult, request_for
from studio.engine.voices.registry import VoiceRegistry

REPORT_FIELDS = ("line", "word", "time", "verdict", "score")


@dataclass(frozen=True)
class TakeChoice:
    segment_id: str
    seed: int
    why: str


def keep_best_takes(project: Project, registry: VoiceRegistry, results: dict[str, RenderResult], n: int,
                    cache: ProofCache, proofs: dict[str, LineProof]) -> list[TakeChoice]:
    """For every rendered line: N takes, the best kept (its seed set on the segment, its audio in `results`, its
    proof in `proofs`). Lines that failed to render are left alone."""
    choices = []
    for seg in project.segments:
        if seg.id not in results:
            continue
        backbone = registry.backbone(project.track(seg.track_id).voice)
        request = request_for(project, seg, backbone)
        takes = render_takes(request, n, lambda r: render_request(backbone, r), cache, first=results[seg.id])
        win, why = best_take(takes)
        seg.seed = win.seed
        results[seg.id] = win.result
        proofs[seg.id] = win.proof
        choices.append(TakeChoice(seg.id, win.seed, why))
    return choices


def proof_lines(project: Project, registry: VoiceRegistry, results: dict[str, RenderResult], cache: ProofCache,
                proofs: dict[str, LineProof]) -> dict[str, LineProof]:
    """The proof of every rendered line not proofed yet (by keep_best_takes), into `proofs`."""
    for seg in project.segments:
        if seg.id in results and seg.id not in proofs:
            backbone = registry.backbone(project.track(seg.track_id).voice)
            proofs[seg.id] = cache.proof(request_for(project, seg, backbone), results[seg.id])
    return proofs


def write_proof_report(path: Path, project: Project, proofs: dict[str, LineProof],
                       starts: dict[str, float]) -> None:
    """proof-report.csv: line (1-based, in project order), word, time (seconds into the mix: the line's start
    there plus the word's start in its render), verdict (fine, doubtful, missing), score (acoustic score per
    frame, higher is better; empty where the line could not be aligned at all)."""
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(REPORT_FIELDS)
        for number, seg in enumerate(project.segments, 1):
            found = proofs.get(seg.id)
            if found is None:
                continue
            for w in found.words:
                score = f"{w.score:.2f}" if w.score > float("-inf") else ""
                out.writerow((number, w.text, f"{starts.get(seg.id, 0.0) + w.start:.3f}", w.verdict, score))
    tmp.replace(path)


def flagged_lines(project: Project, proofs: dict[str, LineProof]) -> list[tuple[int, str, list[str]]]:
    """(line number, text, flagged words) of every line with a flag."""
    out = []
    for number, seg in enumerate(project.segments, 1):
        found = proofs.get(seg.id)
        if found is not None and found.flagged:
            out.append((number, seg.text, [f"{found.words[i].text} ({found.words[i].verdict})"
                                           for i in found.flagged]))
    return out
