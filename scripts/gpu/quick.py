"""The neural voice's full render on a GPU, one segment at a time against padded batches (issue 17's target).

    python scripts/gpu/quick.py --device cuda [--json OUT]

Script: assets/bench/harbour_5min.txt, one segment per sentence, analysed once. Timed (wall clock, CUDA
synchronised): the full render with `render_many(batched=False)` (median of 3 after one warm-up) and with
`batched=True` (median of 5 after one warm-up), the backbone's render cache emptied before each; also the
largest sample difference between the two, and between the CPU and the device on three sentences.
A shorter cousin of bench_incremental.py for a lease of a few minutes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import numpy as np
    import torch

    from studio.core.model import Project, Segment, SpeakerMix, Track, new_id
    from studio.engine.voices.backbone import request_for
    from studio.engine.render.pipeline import render_many
    from studio.engine.voices.registry import NEURAL, VoiceRegistry

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--sentences", type=int, help="only the first N sentences (a smoke run)")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench_incremental.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    sentences, _ = bench.load_script(False)
    sentences = sentences[:args.sentences] if args.sentences else sentences

    backbone = VoiceRegistry(device=args.device).backbone(NEURAL)
    track = Track(new_id(), "Narrator", NEURAL, SpeakerMix())
    project = Project(tracks=[track])
    for s in sentences:
        project.segments.append(Segment(new_id(), s, track.id, backbone.analyze(s, NEURAL, SpeakerMix())))
    requests = [request_for(project, seg, backbone) for seg in project.segments]

    def full(batched: bool):
        backbone._renders.clear()
        backbone._previous.clear()
        t = time.perf_counter()
        out = render_many(backbone, requests, batched=batched)
        if args.device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - t, out

    report = {"device": args.device, "segments": len(requests)}
    if args.device == "cuda":
        report["gpu"] = torch.cuda.get_device_name()
    full(False)
    singles_t = [full(False) for _ in range(3)]
    full(True)
    batched_t = [full(True) for _ in range(5)]
    singles, batched = singles_t[-1][1], batched_t[-1][1]
    audio_s = sum(len(r.audio) for r in singles) / backbone.sample_rate
    one = statistics.median(t for t, _ in singles_t)
    many = statistics.median(t for t, _ in batched_t)
    report.update({"audio_s": audio_s, "one_at_a_time_s": one, "batched_s": many, "speed_up": one / many,
                   "rtf_one_at_a_time": one / audio_s, "rtf_batched": many / audio_s,
                   "runs_one_at_a_time": [t for t, _ in singles_t], "runs_batched": [t for t, _ in batched_t],
                   "batch_max_abs_difference": max(float(np.max(np.abs(a.audio - b.audio)))
                                                   for a, b in zip(singles, batched)),
                   "bytes_per_frame": getattr(backbone, "bytes_per_frame", None)})
    print(json.dumps(report, indent=1), flush=True)
    if args.device != "cpu":
        cpu = VoiceRegistry(device="cpu").backbone(NEURAL)
        diffs = []
        for seg, on_device in list(zip(project.segments, singles))[:3]:
            audio = render_many(cpu, [request_for(project, seg, cpu)], batched=False)[0].audio
            diffs.append(float(np.max(np.abs(audio - on_device.audio))) if len(audio) == len(on_device.audio)
                         else None)
        report["cpu_vs_device_max_abs_difference"] = diffs
        print("cpu vs", args.device, diffs, flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
