"""Benchmark: how intelligible each voice is to an off-the-shelf recogniser, unedited and edited.

    python scripts/bench_intelligibility.py [--json OUT] [--markdown OUT]

Recogniser: PocketSphinx 5 with the en-US acoustic model, language model and dictionary shipped in its wheel,
run on each sentence alone (16 kHz, peak-normalised). Word error rate (jiwer) over all sentences together,
after lower-casing and removing punctuation; numbers are written as words in the sentences so that the
reference and the recogniser's spelling agree.

Cases:
  embedded         the embedded espeak-ng voice (en-us), unedited
  neural           the neural voice (Piper joe converted to Coqui VITS), unedited
  neural +3 st     the neural voice with +3 semitones on every phoneme of every sentence (PSOLA)
  neural x1.3      the neural voice with every phoneme 1.3 times as long (native VITS durations)
Each sentence is rendered once per case (renders are deterministic for a seed); the table reports WER and the
number of reference words.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.",
    "The girl at the booth sold fifty bonds.",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    from dataclasses import replace

    from studio.core.model import SpeakerMix
    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec
    from studio.engine.guide.recognition import _decoder, transcribe, word_errors
    from studio.engine.render.pipeline import render_request
    from studio.engine.voices.registry import EMBEDDED, NEURAL, VoiceRegistry

    registry = VoiceRegistry()
    decoder = _decoder()

    def request(backbone, ref, text, mix, **edit):
        words = backbone.analyze(text, ref, mix)
        return RenderRequest(ref.backbone, ref.model, backbone.version, text, tuple(
            WordSpec(w.text, tuple(replace(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy), **edit)
                                   for p in w.phonemes)) for w in words), mix.weights)

    cases = [("embedded", EMBEDDED, SpeakerMix.single("en-us"), {}),
             ("neural", NEURAL, SpeakerMix(), {}),
             ("neural +3 st", NEURAL, SpeakerMix(), {"pitch_st": 3.0}),
             ("neural x1.3", NEURAL, SpeakerMix(), {"duration_scale": 1.3})]
    rows, detail = [], {}
    for name, ref, mix, edit in cases:
        backbone = registry.backbone(ref)
        errors = total = 0
        t = time.perf_counter()
        detail[name] = []
        for text in SENTENCES:
            result = render_request(backbone, request(backbone, ref, text, mix, **edit))
            heard = transcribe(result.audio, result.sample_rate, decoder)
            e, n = word_errors(text, heard)
            errors, total = errors + e, total + n
            detail[name].append({"text": text, "heard": heard, "errors": e})
        rows.append({"case": name, "wer": errors / total, "words": total, "errors": errors,
                     "seconds": time.perf_counter() - t})
        print(f"{name:<14} WER {100 * errors / total:5.1f} %  ({errors}/{total} words)", flush=True)
    report = {"rows": rows, "sentences": len(SENTENCES), "detail": detail,
              "recogniser": "pocketsphinx en-US (default model of the pocketsphinx wheel)",
              "machine": {"platform": platform.platform(), "python": platform.python_version()}}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.markdown:
        lines = ["| case | WER | errors / words |", "|---|---|---|"]
        lines += [f"| {r['case']} | {100 * r['wer']:.1f} % | {r['errors']} / {r['words']} |" for r in rows]
        args.markdown.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
