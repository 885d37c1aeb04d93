"""Benchmark and calibration of the proof pass (studio/engine/guide/proof.py) on real renders of Joe and Hibari.

    python scripts/bench_proof.py measure --voice joe --start 0 --count 40     # resumable chunks
    python scripts/bench_proof.py calibrate                                    # writes models/proof/calibration.json
    python scripts/bench_proof.py report [--json docs/bench_proof.json]

Lines: LINES below (Harvard sentences, then sentences made from fixed templates over common words, so that the
set is long enough and reproducible). Every line is rendered clean (seed 0); one target word per line (chosen by
a generator seeded with the line's index, a word of at least two phonemes) is then damaged four ways on a copy
of that render: cut to silence, replaced by another word's audio from the same line, doubled, and overwritten
by noise at the line's RMS. The proof pass's raw measurements (guide.proof.measure) of the clean render and of
each fault are stored per line under --work, so runs can be split into chunks and judged later.

Even-numbered lines calibrate (the limits are quantiles of the clean words' measurements, see `calibrate`);
odd-numbered lines are the test set the report judges: detection = the damaged word or a neighbour flagged;
false flags = flagged words of clean renders. Takes: for the first --takes-lines lines of each chunk, seeds
1..3 are rendered too; WER (PocketSphinx, guide.recognition) of seed 0 alone against the best of the four by
the proof's rule (guide.takes.best_take).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HARVARD = [
    "The birch canoe slid on the smooth planks.", "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.", "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.", "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.", "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.", "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.", "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.", "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.", "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.", "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.", "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.", "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.", "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.", "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.", "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.", "Read verse out loud for pleasure.",
]
SUBJECTS = ["The old farmer", "My younger sister", "A tired soldier", "The quiet teacher", "Our new neighbor",
            "The careful driver", "A small child", "The village doctor", "His best friend", "The night nurse"]
VERBS = ["carried", "painted", "found", "sold", "opened", "cleaned", "watched", "measured", "borrowed", "repaired"]
OBJECTS = ["a heavy wooden chair", "the broken kitchen window", "three bright yellow boxes", "the long garden fence",
           "a letter from the city", "the silver bicycle", "an empty paper bag", "the red fishing boat",
           "a basket of green apples", "the music teacher's piano"]
TAILS = ["before the sun went down.", "in the middle of the winter.", "while the others were sleeping.",
         "after a long and quiet dinner.", "near the edge of the river.", "without saying a single word.",
         "during the storm last night.", "at the end of the summer market."]


def lines(n: int = 440) -> list[str]:
    out = list(HARVARD)
    i = 0
    while len(out) < n:
        out.append(f"{SUBJECTS[i % 10]} {VERBS[(i // 10) % 10]} {OBJECTS[(i * 7 + i // 10) % 10]} "
                   f"{TAILS[(i * 3 + i // 100) % 8]}")
        i += 1
    return out


FAULTS = ("cut", "replace", "double", "noise")


def _voice(name: str):
    from studio.engine.voices.registry import HIBARI, NEURAL, VoiceRegistry

    ref = {"joe": NEURAL, "hibari": HIBARI}[name]
    backbone = VoiceRegistry().backbone(ref)
    return ref, backbone


def _request(ref, backbone, text: str, seed: int = 0):
    from studio.core.model import SpeakerMix
    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec

    words = backbone.analyze(text, ref, SpeakerMix())
    return RenderRequest(ref.backbone, ref.model, backbone.version, text, tuple(
        WordSpec(w.text, tuple(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy) for p in w.phonemes))
        for w in words), (), seed=seed, sample_rate=backbone.capabilities().sample_rate)


def inject(audio, rate, words, target: int, kind: str, rng):
    """(damaged audio, the spoken words re-timed to it). `words` are guide.proof.SpokenWord."""
    import numpy as np
    from dataclasses import replace

    w = words[target]
    a, b = int(w.start * rate), int(w.end * rate)
    x = audio.copy()
    shift = 0
    if kind == "cut":
        x[a:b] = 0.0
    elif kind == "noise":
        rms = float(np.sqrt(np.mean(audio ** 2))) or 0.05
        x[a:b] = rng.normal(0, rms, b - a).astype(np.float32)
    elif kind == "replace":
        others = [o for i, o in enumerate(words) if i != target and o.text.lower() != w.text.lower()]
        o = others[int(rng.integers(len(others)))]
        piece = audio[int(o.start * rate):int(o.end * rate)]
        x = np.concatenate([audio[:a], piece, audio[b:]])
        shift = len(piece) - (b - a)
    elif kind == "double":
        x = np.concatenate([audio[:b], audio[a:b], audio[b:]])
        shift = b - a
    timed = [o if i <= target else replace(o, start=o.start + shift / rate, end=o.end + shift / rate)
             for i, o in enumerate(words)]
    return x.astype(np.float32), timed


def cmd_measure(args) -> None:
    import numpy as np
    import torch

    torch.set_num_threads(1)
    from studio.engine.guide.proof import measure, spoken_words
    from studio.engine.guide.recognition import _decoder, transcribe
    from studio.engine.render.pipeline import render_request

    ref, backbone = _voice(args.voice)
    work = args.work / args.voice
    work.mkdir(parents=True, exist_ok=True)
    decoder = _decoder()
    every = lines()
    t0 = time.perf_counter()
    for idx in range(args.start, min(args.start + args.count, len(every))):
        path = work / f"{idx:04d}.json"
        if path.exists():
            continue
        if time.perf_counter() - t0 > args.budget:
            print(f"budget spent; stopped before line {idx}", flush=True)
            break
        text = every[idx]
        req = _request(ref, backbone, text)
        res = render_request(backbone, req)
        words = spoken_words(req, res)
        clean, ok = measure(res.audio, res.sample_rate, words)
        rec = {"text": text, "words": [w.text for w in words], "phones": [len(w.phones) for w in words],
               "clean": clean, "clean_aligned": ok, "faults": {}}
        rng = np.random.default_rng(idx)
        candidates = [i for i, w in enumerate(words) if len(w.phones) >= 2] or list(range(len(words)))
        target = int(candidates[int(rng.integers(len(candidates)))])
        rec["target"] = target
        for kind in FAULTS:
            audio, timed = inject(res.audio, res.sample_rate, words, target, kind, rng)
            m, ok = measure(audio, res.sample_rate, timed)
            rec["faults"][kind] = {"measured": m, "aligned": ok}
        if idx % 2 == 1 and (idx // 2) % args.takes_every == 0:
            takes = []
            for seed in range(4):
                r = res if seed == 0 else render_request(backbone, _request(ref, backbone, text, seed))
                w2 = spoken_words(req, r)
                m, ok = measure(r.audio, r.sample_rate, w2)
                meant = sum(p.duration for p in req.phonemes())
                takes.append({"seed": seed, "measured": m, "aligned": ok,
                              "duration": (r.boundaries[-1] - r.boundaries[0]) / r.sample_rate, "meant": meant,
                              "heard": transcribe(r.audio, r.sample_rate, decoder)})
            rec["takes"] = takes
        path.write_text(json.dumps(rec))
        print(f"{args.voice} line {idx} done ({time.perf_counter() - t0:.0f} s)", flush=True)


def _records(work: Path, voice: str, parity: int) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((work / voice).glob("*.json"))
            if int(p.stem) % 2 == parity]


def cmd_calibrate(args) -> None:
    """Per voice: the score floor is the SCORE_Q quantile of clean words' scores, the short and long ratio
    limits the RATIO_Q and 1 - RATIO_Q quantiles of their aligned/meant durations, on the calibration lines."""
    import numpy as np

    q = args.quantile
    voices, pooled = {}, {"score": [], "ratio": []}
    keys = {"joe": "coqui:en_US-joe-medium", "hibari": "hibari:hibari-af-heart"}
    for voice in ("joe", "hibari"):
        recs = [r for r in _records(args.work, voice, 0) if r["clean_aligned"]]
        if not recs:
            continue
        score = np.array([m[0] for r in recs for m in r["clean"]])
        ratio = np.array([m[1] for r in recs for m in r["clean"]])
        pooled["score"].extend(score)
        pooled["ratio"].extend(ratio)
        voices[keys[voice]] = {"score_floor": round(float(np.quantile(score, q)), 3),
                               "short_ratio": round(float(np.quantile(ratio, q)), 3),
                               "long_ratio": round(float(np.quantile(ratio, 1 - q)), 3),
                               "lines": len(recs), "words": int(len(score))}
    s, r = np.array(pooled["score"]), np.array(pooled["ratio"])
    voices["pooled"] = {"score_floor": round(float(np.quantile(s, q)), 3),
                        "short_ratio": round(float(np.quantile(r, q)), 3),
                        "long_ratio": round(float(np.quantile(r, 1 - q)), 3), "words": int(len(s))}
    from studio.engine.guide.proof import CALIBRATION

    CALIBRATION.write_text(json.dumps({
        "version": 1, "quantile": q, "voices": voices,
        "made_by": "scripts/bench_proof.py calibrate: quantiles of clean renders (seed 0, no edits) of the "
                   "even-numbered lines of scripts/bench_proof.py's LINES; see docs/proof.md"}, indent=1) + "\n")
    print(json.dumps(voices, indent=1))


def _judged(measured, phones, limits):
    from studio.engine.guide.proof import judge

    return [judge(m[0], m[1], limits) != "fine" for m in measured]


def cmd_report(args) -> None:
    import numpy as np

    from studio.engine.guide.proof import judge, limits_for, load_calibration
    from studio.engine.guide.recognition import word_errors
    from studio.engine.guide.takes import SWITCH_MARGIN

    cal = load_calibration()
    keys = {"joe": "coqui:en_US-joe-medium", "hibari": "hibari:hibari-af-heart"}
    out = {}
    for voice in ("joe", "hibari"):
        recs = _records(args.work, voice, 1)
        if not recs:
            continue
        limits = limits_for(cal, keys[voice])
        clean_flags = clean_words = 0
        detected = {k: 0 for k in FAULTS}
        strict = {k: 0 for k in FAULTS}
        for r in recs:
            flags = _judged(r["clean"], r["phones"], limits) if r["clean_aligned"] else [True] * len(r["words"])
            clean_flags += sum(flags)
            clean_words += len(flags)
            t = r["target"]
            for kind in FAULTS:
                f = r["faults"][kind]
                fl = _judged(f["measured"], r["phones"], limits) if f["aligned"] else [True] * len(r["words"])
                strict[kind] += bool(fl[t])
                detected[kind] += any(fl[max(0, t - 1):t + 2])
        n = len(recs)
        row = {"test_lines": n, "clean_words": clean_words, "false_flag_rate": clean_flags / max(clean_words, 1),
               "detection": {k: detected[k] / n for k in FAULTS},
               "detection_on_word": {k: strict[k] / n for k in FAULTS},
               "detection_all": sum(detected.values()) / (n * len(FAULTS))}
        one = best = words = 0
        took = [r for r in recs if "takes" in r]
        winners = []
        for r in took:
            def key(tk):
                # The rule of engine.guide.takes.Take.rank: penalty (missing counts twice), closeness to the
                # intended duration, then the mean acoustic score.
                if not tk["aligned"]:
                    return (2 * len(r["words"]), 1.0, float("inf"))
                verdicts = [judge(m[0], m[1], limits) for m in tk["measured"]]
                pen = sum(2 if v == "missing" else 1 for v in verdicts if v != "fine")
                mean = float(np.mean([m[0] for m in tk["measured"]])) if tk["measured"] else 0.0
                return (pen, round(abs(tk["duration"] - tk["meant"]) / max(tk["meant"], 1e-3), 3), -mean)
            # engine.guide.takes.best_take: another take replaces take 1 only with SWITCH_MARGIN less penalty.
            better = [tk for tk in r["takes"][1:] if key(tk)[0] <= key(r["takes"][0])[0] - SWITCH_MARGIN]
            win = min(better, key=key) if better else r["takes"][0]
            winners.append(win["seed"])
            e1, n1 = word_errors(r["text"], r["takes"][0]["heard"])
            eb, _ = word_errors(r["text"], win["heard"])
            one, best, words = one + e1, best + eb, words + n1
        if took:
            row["takes"] = {"lines": len(took), "words": words, "wer_one_take": one / words,
                            "wer_best_of_4": best / words, "winners": {s: winners.count(s) for s in range(4)}}
        out[voice] = row
        print(voice, json.dumps(row, indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"calibration": cal, "results": out}, indent=1) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "bench_proof")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("measure")
    p.add_argument("--voice", choices=["joe", "hibari"], required=True)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, default=40)
    p.add_argument("--budget", type=float, default=420.0, help="stop starting new lines after this many seconds")
    p.add_argument("--takes-every", type=int, default=4, help="render takes on every Nth test line")
    p = sub.add_parser("calibrate")
    p.add_argument("--quantile", type=float, default=0.01)
    p = sub.add_parser("report")
    p.add_argument("--json", type=Path)
    args = parser.parse_args()
    {"measure": cmd_measure, "calibrate": cmd_calibrate, "report": cmd_report}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
