"""Benchmark: how intelligible each voice of the cast is, and how distinct the voices are from each other.

    python scripts/bench_voices.py [--candidates scripts/voice_candidates.json] [--voices FILE]
                                   [--sentences N] [--json OUT] [--markdown docs/voices.md]
    python scripts/bench_voices.py --from-json docs/bench_voices.json --markdown docs/voices.md

The voices are data: the cast (models/cast/cast.json; an entry whose backbone is missing, such as hibari before
its backbone lands, is listed as skipped), plus the voices of each --voices / --candidates file
({"voices": [{"name": ..., "voice": "<a --voice spec>"}]}). Re-run it after a voice joins the cast.

Each voice reads the first N Harvard sentences of scripts/bench_intelligibility.py, rendered through the full
pipeline (analyze, render_request), once each (renders are deterministic for a seed).
- Intelligibility: PocketSphinx (the en-US model of its wheel) word error rate over all sentences together.
- Distinctness: GE2E (resemblyzer's trained encoder, engine/privacy/verifier.py) cosine similarity of two voices reading
  the *same* sentence, averaged over the sentences; same text makes this a strict measure.
Targets (issue 18): WER <= 45 % per voice, similarity <= 0.80 per pair.
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

WER_TARGET, SIMILARITY_TARGET = 0.45, 0.80


def voice_list(files: list[Path]) -> tuple[list[tuple[str, str]], list[str]]:
    """[(name, voice spec)] of the cast and the files; and notes on cast entries that were skipped."""
    from studio.engine.voices import cast

    voices = [(v.name, v.name) for v in cast.cast()]
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        voices += [(str(v["name"]), str(v["voice"])) for v in data["voices"]]
    return voices, cast.notes()


def render_voice(registry, spec: str, sentences: list[str]):
    """[(audio, rate)] of `spec` reading each sentence."""
    from studio.core.model import SpeakerMix
    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec
    from studio.engine.render.pipeline import render_request
    from studio.engine.voices.registry import parse_voice

    ref, mix = parse_voice(spec)
    backbone = registry.backbone(ref)
    speakers = backbone.capabilities().speakers
    if mix.is_empty and speakers:
        mix = SpeakerMix.single(speakers[0].id)
    out = []
    for text in sentences:
        words = registry.analyze(text, ref, mix)
        request = RenderRequest(ref.backbone, ref.model, backbone.version, text, tuple(
            WordSpec(w.text, tuple(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy) for p in w.phonemes))
            for w in words), mix.weights, sample_rate=backbone.capabilities().sample_rate)
        result = render_request(backbone, request)
        out.append((result.audio, result.sample_rate))
    return out


def markdown(report: dict) -> str:
    names = [r["name"] for r in report["rows"]]
    cast = [n for n in names if n in report.get("cast", [])]
    lines = [f"Measured by `scripts/bench_voices.py` on {report['sentences']} Harvard sentences per voice "
             f"({report['machine']['platform']}, {report['machine']['cpus']} CPUs, {report['seconds']:.0f} s). "
             f"Targets: WER <= {WER_TARGET:.0%}, GE2E similarity <= {SIMILARITY_TARGET:.2f} for every pair "
             f"(the verifier's calibrated same-speaker threshold is {report['threshold']:.3f}).", "",
             "| voice | in the cast | spec | WER | errors / words | highest similarity to a cast voice |",
             "|---|---|---|---|---|---|"]
    for r in report["rows"]:
        others = [(report["similarity"][r["name"]][n], n) for n in cast if n != r["name"]]
        top = max(others) if others else (float("nan"), "-")
        lines.append(f"| {r['name']} | {'yes' if r['name'] in cast else 'no'} | `{r['spec']}` | "
                     f"{100 * r['wer']:.1f} % | {r['errors']} / {r['words']} | {top[0]:.2f} ({top[1]}) |")
    lines += ["", "GE2E similarity (same sentences, mean over sentences):", "",
              "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for a in names:
        lines.append(f"| {a} | " + " | ".join(f"{report['similarity'][a][b]:.2f}" for b in names) + " |")
    if report["skipped"]:
        lines += ["", "Not measured: " + " ".join(report["skipped"])]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voices", type=Path, action="append", default=[])
    parser.add_argument("--candidates", type=Path, help="a file of candidate designs (measured like --voices)")
    parser.add_argument("--sentences", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path, help="write the tables between the markers of this file")
    parser.add_argument("--from-json", type=Path, help="rewrite the markdown from an earlier run's JSON")
    args = parser.parse_args()
    if args.from_json:
        if args.markdown:
            write_markdown(args.markdown, json.loads(args.from_json.read_text(encoding="utf-8")))
        return 0

    import os

    import numpy as np

    from bench_intelligibility import SENTENCES
    from studio.engine.privacy import verifier
    from studio.engine.guide.recognition import _decoder, transcribe, word_errors
    from studio.engine.voices.registry import VoiceRegistry

    sentences = SENTENCES[: args.sentences]
    voices, skipped = voice_list(args.voices + ([args.candidates] if args.candidates else []))
    registry = VoiceRegistry()
    decoder = _decoder()
    start = time.perf_counter()
    rows, embeddings = [], {}
    for name, spec in voices:
        t = time.perf_counter()
        try:
            renders = render_voice(registry, spec, sentences)
        except Exception as exc:  # noqa: BLE001 - a voice that cannot render is reported, the others measured
            skipped.append(f"{name} ({spec}) could not render: {exc}")
            continue
        errors = total = 0
        heard = []
        for text, (audio, rate) in zip(sentences, renders):
            h = transcribe(audio, rate, decoder)
            e, n = word_errors(text, h)
            errors, total = errors + e, total + n
            heard.append(h)
        embeddings[name] = [verifier.embed(a, r) for a, r in renders]
        rows.append({"name": name, "spec": spec, "wer": errors / total, "errors": errors, "words": total,
                     "heard": heard, "seconds": time.perf_counter() - t})
        print(f"{name:<20} WER {100 * errors / total:5.1f} %  ({time.perf_counter() - t:.0f} s)", flush=True)
    names = [r["name"] for r in rows]
    sim = {a: {b: float(np.mean([verifier.similarity(x, y) for x, y in zip(embeddings[a], embeddings[b])]))
               for b in names} for a in names}
    from studio.engine.voices.cast import cast

    report = {"rows": rows, "similarity": sim, "sentences": len(sentences), "skipped": skipped,
              "cast": [v.name for v in cast()],
              "threshold": verifier.calibration().threshold, "seconds": time.perf_counter() - start,
              "recogniser": "pocketsphinx en-US (default model of the pocketsphinx wheel)",
              "machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count()}}
    for a in names:
        print(f"{a:<20} " + " ".join(f"{sim[a][b]:.2f}" for b in names))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.markdown:
        write_markdown(args.markdown, report)
    return 0


def write_markdown(path: Path, report: dict) -> None:
    """The tables between the bench_voices markers of `path`; the prose around them is kept."""
    begin, end = "<!-- bench_voices: begin -->", "<!-- bench_voices: end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else f"{begin}\n{end}\n"
    if begin not in old:
        old += f"\n{begin}\n{end}\n"
    head, rest = old.split(begin, 1)
    path.write_text(head + begin + "\n" + markdown(report) + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
