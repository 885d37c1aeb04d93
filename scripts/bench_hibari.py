"""Benchmark: the hibari voice's intelligibility and speed.

    python scripts/bench_hibari.py [--json OUT]

Intelligibility: PocketSphinx WER (studio/engine/guide/recognition.py) over the 20 Harvard sentences of
scripts/bench_intelligibility.py, counted over all sentences together, unedited and with the two edits that
benchmark uses (+3 st on every phoneme, native here; every phoneme x1.3, native here).
Speed: real-time factor (render seconds / audio seconds) of each unedited sentence, analysis (G2P, one
model run and the vocoder) and render (one model run and the vocoder) timed apart, after one warm-up
sentence; the median over the sentences is reported, since other work on a shared machine makes the mean
noisy. hibari runs on one onnxruntime thread.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from dataclasses import replace

    from bench_intelligibility import SENTENCES
    from studio.core.model import SpeakerMix
    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec
    from studio.engine.guide.recognition import _decoder, transcribe, word_errors
    from studio.engine.render.pipeline import render_request
    from studio.engine.voices.registry import HIBARI, VoiceRegistry

    backbone = VoiceRegistry().backbone(HIBARI)
    decoder = _decoder()

    def request(words, text, **edit):
        return RenderRequest(HIBARI.backbone, HIBARI.model, backbone.version, text, tuple(
            WordSpec(w.text, tuple(replace(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy), **edit)
                                   for p in w.phonemes)) for w in words), (), sample_rate=24000)

    backbone.analyze("A warm-up sentence.", HIBARI, SpeakerMix())
    analysed, analyse_rtf, render_rtf = {}, [], []
    for text in SENTENCES:
        t = time.perf_counter()
        words = backbone.analyze(text, HIBARI, SpeakerMix())
        t_analyse = time.perf_counter() - t
        t = time.perf_counter()
        result = render_request(backbone, request(words, text))
        t_render = time.perf_counter() - t
        analysed[text] = words
        analyse_rtf.append(t_analyse / result.duration)
        render_rtf.append(t_render / result.duration)

    rows, detail = [], {}
    for name, edit in [("hibari", {}), ("hibari +3 st", {"pitch_st": 3.0}), ("hibari x1.3", {"duration_scale": 1.3})]:
        errors = total = 0
        detail[name] = []
        for text in SENTENCES:
            result = render_request(backbone, request(analysed[text], text, **edit))
            heard = transcribe(result.audio, result.sample_rate, decoder)
            e, n = word_errors(text, heard)
            errors, total = errors + e, total + n
            detail[name].append({"text": text, "heard": heard, "errors": e})
        rows.append({"case": name, "wer": errors / total, "errors": errors, "words": total})
        print(f"{name:<14} WER {100 * errors / total:5.1f} %  ({errors}/{total} words)", flush=True)
    speed = {"analyse_rtf_median": statistics.median(analyse_rtf), "render_rtf_median": statistics.median(render_rtf),
             "threads": 1}
    print(f"median real-time factor: analyse {speed['analyse_rtf_median']:.4f}, "
          f"render {speed['render_rtf_median']:.4f} ({1 / speed['render_rtf_median']:.0f}x real time)")
    report = {"rows": rows, "speed": speed, "sentences": len(SENTENCES), "detail": detail,
              "recogniser": "pocketsphinx en-US (default model of the pocketsphinx wheel)",
              "machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count(), "processor": platform.processor()}}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
