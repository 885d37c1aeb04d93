"""Assembling one input of the catalogue: its lines from the store into what `studio render` writes.

A task of its own per input, run once every line of the input is in the store (or has failed). It hands the
lines to production.batch.write_outputs, `studio render`'s writer, inside production.outdir.output_folder, so
the folder is the same files, sample for sample, and appears whole or not at all.
"""

from __future__ import annotations

import time
from pathlib import Path

from studio.core.errors import UserError
from studio.engine.voices.backbone import RenderResult

from studio.production import report
from studio.production.batch import MISS_TOLERANCE_S, Rendered, write_outputs
from studio.production.cluster.plan import Plan
from studio.production.credentials.sign import Signing
from studio.production.cluster.store import Store
from studio.production.outdir import output_folder

FRAME_S = 1 / 25  # `studio render`'s default --fps


def assemble(plan: Plan, line_failures: dict[str, str], store: Store, out_dir: str,
             signing: Signing | None = None) -> dict:
    """Write the input's folder under out_dir; its summary (lines, failures, notes, exit code)."""
    started = time.time()
    project = plan.script.project
    done = Rendered(project, 0, [], fits=list(plan.fits), failed=dict(plan.failed))
    results: dict[str, RenderResult] = {}
    for seg in project.segments:  # in segment order, as render_project fills them
        key = plan.keys.get(seg.id)
        if key is None:
            continue
        if key in line_failures:
            done.failed[seg.id] = line_failures[key]
            continue
        try:
            result = store.get(key)
        except KeyError:
            done.failed[seg.id] = "Its render is missing from the store; run the batch again."
            continue
        results[seg.id] = result
        done.notes.extend(n for n in result.notes if n not in done.notes)
    folder = Path(out_dir) / plan.item.name
    summary = {"input": str(plan.item.input), "output": str(folder), "lines": len(project.segments),
               "failures": [{"line": project.segment(s).text, "reason": r} for s, r in done.failed.items()]}
    try:
        with output_folder(folder) as work:
            write_outputs(work, results, done, plan.settings.rate, script=plan.script, frame=FRAME_S,
                          loudness_target=plan.settings.loudness, final_dir=folder, signing=signing,
                          declaration=plan.declaration if signing is not None and signing.on else None)
    except (UserError, ValueError) as exc:
        return {**summary, "error": str(exc), "seconds": time.time() - started}
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return {**summary, "error": f"could not write the output{where}: {exc.strerror or exc}; free some space "
                                    "or choose another folder.", "seconds": time.time() - started}
    notes = plan.notes + done.notes
    notes += [f"\"{project.segment(f.segment_id).text[:50]}\" {f.message()}" for f in done.fits
              if abs(f.miss) > MISS_TOLERANCE_S and (plan.settings.fit == "both" or f.miss > 0)]
    notes += report.summary(done.timings, FRAME_S)
    mix = done.loudness.get("mix.wav")
    return {**summary, "notes": notes, "rate": done.rate, "mix_loudness": mix.describe() if mix else "",
            "did_not_fit": plan.settings.fit == "both" and any(f.miss > MISS_TOLERANCE_S for f in done.fits),
            "seconds_of_speech": sum(r.duration for r in results.values()), "seconds": time.time() - started}
