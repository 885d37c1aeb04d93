"""Issue 26 item 7: a catalogue rendered one `studio render` after another against `studio batch` on Ray.

The catalogue: the 5-minute script (assets/bench/harbour_5min.txt) as projects under different voices and seeds
(4 voices x 2 seeds = 8 inputs by default; the projects are built before anything is timed). Measured:
  (a) one `studio render` per input, one after another (each a fresh process, model load included);
  (b) `studio batch` of the catalogue on an embedded local runtime with --cpus CPUs (Ray start included);
  (a1) the first input rendered again with one torch thread, as each actor renders (mixes compared with (b));
  (c) the same catalogue on a simulated 3-node cluster on this machine (ray.cluster_utils.Cluster, one CPU per
      node), with the first render anywhere killing its actor's process: placement, retries and the time.
Every mix of (b) and (c) is compared with (a)'s sample for sample. Results go to docs/bench_cluster.json.

  PYTHONPATH=$PWD nice -n 5 python scripts/bench_cluster.py [--sentences 8] [--voices Joe,Hibari] [--seeds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCRIPT = ROOT / "assets" / "bench" / "harbour_5min.txt"


def build_catalogue(folder: Path, voices: list[str], seeds: int, sentences: int | None) -> list[Path]:
    from studio.core.project_io import save
    from studio.core.script import split_sentences
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production.inputs import Options, load

    text = SCRIPT.read_text(encoding="utf-8")
    if sentences:
        text = " ".join(split_sentences(text)[:sentences])
    source = folder / "harbour.txt"
    source.write_text(text, encoding="utf-8")
    registry, out = VoiceRegistry(), []
    for voice in voices:
        script = load(source, Options(voice=voice, remember=False), registry, [])
        for seed in range(seeds):
            for seg in script.project.segments:
                seg.seed = seed
            path = folder / f"harbour-{voice.lower()}-seed{seed}.json"
            save(script.project, path)
            out.append(path)
    return out


def run(cmd: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def same_mixes(a: Path, b: Path, names: list[str]) -> dict:
    equal, worst = 0, 0.0
    for name in names:
        x, _ = sf.read(a / name / "mix.wav", dtype="int32")
        y, _ = sf.read(b / name / "mix.wav", dtype="int32")
        if x.shape == y.shape and np.array_equal(x, y):
            equal += 1
        elif x.shape == y.shape:
            worst = max(worst, float(np.max(np.abs(x.astype(np.int64) - y))) / 2**31)
        else:
            worst = float("inf")
    return {"equal": equal, "of": len(names), "max_abs_difference": worst}


def simulated_cluster(items_manifest: Path, out: Path, cpus_per_node: int = 1, nodes: int = 3) -> dict:
    import ray
    from ray.cluster_utils import Cluster

    from studio.production.cluster.job import Config, run as run_batch
    from studio.production.cluster.manifest import read_manifest
    from tests.production import cluster_hooks

    ray.cloudpickle.register_pickle_by_value(cluster_hooks)
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": cpus_per_node, "include_dashboard": False})
    for _ in range(nodes - 1):
        cluster.add_node(num_cpus=cpus_per_node)
    marker = out.parent / "kill-once"
    marker.touch()
    try:
        ray.init(address=cluster.address, log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}})
        started = time.perf_counter()
        summary = run_batch(read_manifest(items_manifest),
                            Config(out, str(out / ".store"), {}, hook=cluster_hooks.DieOnce(out.parent / "calls",
                                                                                             marker)))
        seconds = time.perf_counter() - started
    finally:
        ray.shutdown()
        cluster.shutdown()
    calls = (out.parent / "calls").stat().st_size
    return {"seconds": round(seconds, 2), "nodes": nodes, "cpus_per_node": cpus_per_node,
            "killed": not marker.exists(), "model_calls": calls, "lines_rendered": summary["rendered"],
            "failed": summary["failed"], "actors": summary["actors"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voices", default="Joe,Hibari,Mara,Theo")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--sentences", type=int, help="only the first N sentences of the script (default: all 49)")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--no-cluster", action="store_true", help="skip (c)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "bench_cluster.json"))
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    projects = build_catalogue(work, args.voices.split(","), args.seeds, args.sentences)
    names = [p.stem for p in projects]
    manifest = work / "catalogue.csv"
    manifest.write_text("input,output\n" + "".join(f"{p},{p.stem}\n" for p in projects), encoding="utf-8")
    cli = [sys.executable, "-m", "studio.cli"]
    env = {"PYTHONPATH": str(ROOT)}

    one_by_one = sum(run(cli + ["render", str(p), "-o", str(work / "a" / p.stem), "--device", "cpu",
                                "--batch", "off"], env) for p in projects)
    batch = run(cli + ["batch", str(manifest), "-o", str(work / "b"), "--cpus", str(args.cpus), "--json"], env)
    report = json.loads((work / "b" / "batch-report.json").read_text())
    result = {
        "catalogue": {"inputs": len(projects), "voices": args.voices, "seeds": args.seeds,
                      "sentences": args.sentences or "all", "lines": report["lines"],
                      "hours_of_speech": report["hours_of_speech"]},
        "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        "one_by_one_s": round(one_by_one, 2), "batch_local_s": round(batch, 2),
        "batch_over_one_by_one": round(batch / one_by_one, 3),
        "batch_equal_to_render": same_mixes(work / "a", work / "b", names),
    }
    # Torch rounds differently with another thread count: (a) ran with torch's default, each actor with 1. A
    # render of the first input with one thread, as the actors ran, must equal the batch's mix exactly.
    first = projects[0]
    run(cli + ["render", str(first), "-o", str(work / "a1" / first.stem), "--device", "cpu", "--batch", "off"],
        {**env, "OMP_NUM_THREADS": "1"})
    result["batch_equal_to_one_thread_render"] = same_mixes(work / "a1", work / "b", [first.stem])
    if not args.no_cluster:
        result["simulated_cluster"] = simulated_cluster(manifest, work / "c")
        result["simulated_cluster"]["equal_to_render"] = same_mixes(work / "a", work / "c", names)
    result["machine"] = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
