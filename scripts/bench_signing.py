"""Benchmark: what content credentials (C2PA signing) cost, against the render they sign.

    python scripts/bench_signing.py [--lines N] [--joe-lines N] [--runs N] [--json OUT]

1. `studio render`'s own path (production.batch: render_project, then write_outputs at 48 kHz, 24-bit) on a
   dialogue of N lines (assets/bench/harbour_5min.txt's sentences, two speakers) with the embedded voice, the
   fastest voice the studio has, so the ratio below is the worst case: once with signing off, then signing every
   WAV it wrote (mix, stems, clips). Ratio: signing time / render-and-write time.
2. The default narrator (Joe, neural, torch on 1 thread) on the first K lines: its real-time factor (seconds of
   render per second of audio).
3. A one-hour mix: the rendered mix tiled to 3600 s at 48 kHz, 24-bit mono (about 518 MB), signed `--runs` times
   (median), and verified once. Its signing time is set against one hour of render at each voice's measured
   real-time factor.
Timing figures depend on load: run it alone where possible and report the ratios, which are measured in the
same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sentences(n: int) -> list[str]:
    text = (ROOT / "assets" / "bench" / "harbour_5min.txt").read_text(encoding="utf-8")
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) >= 4]
    return [found[i % len(found)] for i in range(n)]


def render_folder(lines: list[str], voice: str | None, out: Path, cast: str | None):
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production.batch import render_project, write_outputs
    from studio.production.casting import parse_cast
    from studio.production.inputs import Options, load

    script = out.parent / f"{out.name}.txt"
    names = ("ALICE", "BOB")
    script.write_text("\n".join(f"{names[i % 2]}: {s}" for i, s in enumerate(lines)) + "\n", encoding="utf-8")
    registry = VoiceRegistry(device="cpu")
    t0 = time.perf_counter()
    loaded = load(script, Options(voice=voice, cast=parse_cast([cast]) if cast else None), registry, [])
    results, done = render_project(loaded.project, registry)
    out.mkdir(parents=True)
    write_outputs(out, results, done, 48000, script=loaded, loudness_target=-23.0)
    seconds = time.perf_counter() - t0
    import soundfile as sf

    return seconds, sf.info(out / "mix.wav").duration, loaded.project, registry


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=120)
    parser.add_argument("--joe-lines", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    import soundfile as sf

    from studio.production.credentials.manifest import declaration
    from studio.production.credentials.sign import Signing
    from studio.production.credentials import identity
    from studio.production.credentials.verify import verify

    work = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    signing = Signing(identity.local_identity())
    out: dict = {"lines": args.lines}

    # 1. the embedded voice, the whole render folder
    secs, dur, project, registry = render_folder(sentences(args.lines), "embedded", work / "embedded",
                                                 "ALICE=en-us+f2,BOB=en-us+m3")
    wavs = sorted((work / "embedded").rglob("*.wav"))
    decl = declaration(project, registry)
    t0 = time.perf_counter()
    for path in wavs:
        signing.sign(path, decl, "bench")
    sign_all = time.perf_counter() - t0
    out["embedded"] = {"render_and_write_s": round(secs, 2), "audio_s": round(dur, 1), "rtf": round(secs / dur, 4),
                       "wav_files": len(wavs), "sign_all_s": round(sign_all, 3),
                       "sign_over_render": round(sign_all / secs, 4)}
    print("embedded:", out["embedded"], flush=True)

    # 2. the neural narrator's real-time factor
    if args.joe_lines:
        jsecs, jdur, _, _ = render_folder(sentences(args.joe_lines), None, work / "joe", None)
        out["joe"] = {"render_and_write_s": round(jsecs, 2), "audio_s": round(jdur, 1),
                      "rtf": round(jsecs / jdur, 4)}
        print("joe:", out["joe"], flush=True)

    # 3. a one-hour mix
    mix, rate = sf.read(work / "embedded" / "mix.wav", dtype="float32")
    hour = work / "hour.wav"
    with sf.SoundFile(hour, "w", rate, 1, "PCM_24") as fh:
        left = 3600 * rate
        while left > 0:
            block = mix[:left]
            fh.write(block)
            left -= len(block)
    size = hour.stat().st_size
    times = []
    for _ in range(args.runs):
        plain = work / "hour-copy.wav"
        os.link(hour, plain) if not plain.exists() else None
        t0 = time.perf_counter()
        signing.sign(plain, decl, "the mix")
        times.append(time.perf_counter() - t0)
        plain.unlink()  # signing replaced the link with a new file; the original stays for the next run
    signing.sign(hour, decl, "the mix")
    t0 = time.perf_counter()
    verdict = verify(hour)
    verify_s = time.perf_counter() - t0
    assert verdict.status == "valid", verdict.lines()
    sign_hour = statistics.median(times)
    out["hour"] = {"bytes": size, "sign_s_median": round(sign_hour, 2), "sign_s_all": [round(t, 2) for t in times],
                   "verify_s": round(verify_s, 2)}
    for voice in ("embedded", "joe"):
        if voice in out:
            render_hour = out[voice]["rtf"] * 3600
            out["hour"][f"over_{voice}_hour_render"] = round(sign_hour / render_hour, 4)
    print("hour:", out["hour"], flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
