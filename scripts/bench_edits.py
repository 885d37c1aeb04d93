"""Benchmark: how transparent an edit is, on every voice of the default cast.

    python scripts/bench_edits.py [--voice NAME ...] [--sentences N] [--json OUT]

For each cast voice (models/cast/cast.json) and each of 40 sentences written for this benchmark (the project
uses them nowhere else), the middle word is edited five ways, one at a time: pitch +0.01 st (an edit that
should be inaudible), +3 st, -3 st, every phoneme x1.5 longer, and +6 dB. Each edited render is compared with
the unedited one by studio/engine/guide/transparency.py: voicing flips inside the word (every frame of the word
counts; a frame whose voicing changed is a defect), the F0 change over frames voiced in both (Praat's
autocorrelation, the app's tracker, in the original's range), the log-mel distance inside the word and over the
rest of the line (spectral, so a phase that runs on is not a change). Re-render time is the wall time of one
`render_request` of the edited line after its unedited render (caches as the editor has them), on one thread.
Medians over the sentences are reported, with the worst sentence for flips.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "The old clock in the hall struck nine before anyone noticed.",
    "A quiet fox slipped under the fence and vanished into the reeds.",
    "We should check the tyres before driving up the mountain road.",
    "Five yellow kites floated above the crowded summer beach.",
    "My neighbour bakes fresh bread every Sunday afternoon.",
    "The violin teacher tapped her pencil against the music stand.",
    "Nobody expected the tiny ferry to cross the bay so quickly.",
    "Our cousin painted the garage door a bright shade of green.",
    "Thick fog rolled over the harbour long before sunrise.",
    "The librarian stamped each book with a faded purple seal.",
    "Two sleepy owls watched the farmer lock the barn.",
    "He carried the heavy ladder across the muddy orchard.",
    "Please leave the spare keys beside the kitchen window.",
    "The tall chef sliced onions while humming an old tune.",
    "Rain drummed softly on the tin roof of the cabin.",
    "A golden retriever chased the ball into the shallow lake.",
    "They rebuilt the stone bridge after the spring flood.",
    "The pilot announced a short delay because of strong winds.",
    "Grandmother keeps her buttons in a blue biscuit tin.",
    "The market stalls opened early on the first cold morning.",
    "Seven students argued about the rules of the chess club.",
    "A narrow path winds through the pines toward the lighthouse.",
    "The mechanic wiped his hands and closed the bonnet gently.",
    "Lemon trees grew along the southern wall of the villa.",
    "She folded the map carefully and tucked it into her coat.",
    "The museum guard yawned beside the marble statue.",
    "Bright lanterns swayed above the river during the festival.",
    "Our train paused at a village with a single platform.",
    "The gardener planted tulips in neat rows near the gate.",
    "A distant thunderstorm rumbled over the empty valley.",
    "The baker's son delivered warm rolls on a red bicycle.",
    "Wild geese landed on the frozen pond at dusk.",
    "The carpenter measured the oak plank twice before cutting.",
    "Children laughed as the puppet show began in the park.",
    "The captain studied the charts by the light of a lamp.",
    "Fresh snow covered the roofs of the sleeping town.",
    "A small robin built its nest inside the mailbox.",
    "The doctor wrote a note and handed it to the nurse.",
    "Heavy waves crashed against the rocks below the cliff.",
    "The weaver sold her blankets at the autumn fair.",
]

EDITS = [("+0.01 st", {"pitch_st": 0.01}), ("+3 st", {"pitch_st": 3.0}), ("-3 st", {"pitch_st": -3.0}),
         ("x1.5 duration", {"duration_scale": 1.5}), ("+6 dB", {"energy_db": 6.0})]


def middle_word(words) -> int:
    """The word nearest the middle of the line that has letters (punctuation words are skipped)."""
    order = sorted(range(len(words)), key=lambda i: abs(i - (len(words) - 1) / 2))
    return next(i for i in order if any(c.isalpha() for c in words[i].text) and words[i].phonemes)


def request(backbone, ref, text, words, edits):
    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec

    specs, i = [], 0
    for w in words:
        ph = []
        for p in w.phonemes:
            ph.append(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy, **edits.get(i, {})))
            i += 1
        specs.append(WordSpec(w.text, tuple(ph)))
    return RenderRequest(ref.backbone, ref.model, backbone.version, text, tuple(specs), (),
                         sample_rate=backbone.capabilities().sample_rate)


def bench_voice(voices, cast_voice, sentences):
    import numpy as np

    from studio.core.model import SpeakerMix
    from studio.engine.guide.transparency import measure
    from studio.engine.render.pipeline import render_request

    ref = cast_voice.voice
    backbone = voices.backbone(ref)
    rows = {name: [] for name, _ in EDITS}
    for text in sentences:
        words = backbone.analyze(text, ref, SpeakerMix())
        starts = np.cumsum([0] + [len(w.phonemes) for w in words])
        wi = middle_word(words)
        base = render_request(backbone, request(backbone, ref, text, words, {}))
        span = (base.boundaries[starts[wi]], base.boundaries[starts[wi + 1]])
        for name, edit in EDITS:
            t = time.perf_counter()
            edited = render_request(backbone, request(backbone, ref, text, words,
                                                      {i: edit for i in range(starts[wi], starts[wi + 1])}))
            seconds = time.perf_counter() - t
            espan = (edited.boundaries[starts[wi]], edited.boundaries[starts[wi + 1]])
            m = measure(base.audio, edited.audio, base.sample_rate, span, espan)
            rows[name].append({"text": text, "word": words[wi].text, "flips": m.flips,
                               "f0_change_st": m.f0_change_st, "logmel_in_db": m.logmel_in_db,
                               "logmel_out_db": m.logmel_out_db, "seconds": seconds,
                               "length_ratio": (espan[1] - espan[0]) / max(1, span[1] - span[0])})
    return rows


def summary(rows):
    def med(key):
        vals = [r[key] for r in rows if r[key] == r[key]]  # nan: no frame voiced in both
        return statistics.median(vals) if vals else float("nan")

    return {"flips_median": med("flips"), "flips_worst": max(r["flips"] for r in rows),
            "f0_change_st": med("f0_change_st"), "logmel_in_db": med("logmel_in_db"),
            "logmel_out_db": med("logmel_out_db"), "logmel_out_worst": max(r["logmel_out_db"] for r in rows),
            "seconds": med("seconds"), "length_ratio": med("length_ratio"), "n": len(rows)}


def table(report: dict) -> str:
    lines = ["| voice | edit | voicing flips in the word (median / worst) | F0 change (median) | log-mel in the word "
             "| log-mel outside (median / worst) | word length | re-render (median, loaded machine) |",
             "|---|---|---|---|---|---|---|---|"]
    for voice, edits in report.items():
        for name, r in edits.items():
            s = r["summary"]
            lines.append(f"| {voice} | {name} | {100 * s['flips_median']:.1f} % / {100 * s['flips_worst']:.1f} % | "
                         f"{s['f0_change_st']:+.2f} st | {s['logmel_in_db']:.2f} dB | {s['logmel_out_db']:.3f} / "
                         f"{s['logmel_out_worst']:.3f} dB | x{s['length_ratio']:.2f} | {1000 * s['seconds']:.0f} ms |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voice", action="append", help="a cast voice's name (default: every cast voice)")
    parser.add_argument("--sentences", type=int, default=len(SENTENCES))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--table", type=Path, help="print the markdown table of a JSON this script wrote")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(args.table.read_text())))
        return 0

    import torch

    torch.set_num_threads(1)
    from studio.engine.voices.cast import cast
    from studio.engine.voices.registry import VoiceRegistry

    voices = VoiceRegistry()
    chosen = [v for v in cast() if not args.voice or v.name in args.voice]
    report = {}
    for cv in chosen:
        t = time.perf_counter()
        rows = bench_voice(voices, cv, SENTENCES[:args.sentences])
        report[cv.name] = {name: {"summary": summary(r), "rows": r} for name, r in rows.items()}
        print(f"{cv.name}: {time.perf_counter() - t:.0f} s")
        for name, r in report[cv.name].items():
            s = r["summary"]
            print(f"  {name:14s} flips {100 * s['flips_median']:.1f} % / {100 * s['flips_worst']:.1f} %  "
                  f"F0 {s['f0_change_st']:+.2f} st  in {s['logmel_in_db']:.2f} dB  out {s['logmel_out_db']:.3f} "
                  f"(worst {s['logmel_out_worst']:.3f}) dB  length x{s['length_ratio']:.2f}  "
                  f"{1000 * s['seconds']:.0f} ms")
    if args.json:
        old = json.loads(args.json.read_text()) if args.json.exists() else {}
        old.update(report)
        args.json.write_text(json.dumps(old, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
