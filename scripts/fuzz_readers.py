"""Fuzz the project, SRT, VTT, SSML, script and model-config readers with mutated inputs.

    python scripts/fuzz_readers.py [--count 10000] [--seed 0] [--only READER ...]

Each reader gets COUNT inputs mutated from a valid seed. Every input must load or be refused with one sentence;
none may raise anything else, take longer than a second, or write a file (the run happens in an empty folder
that must stay empty). Prints a line per reader with counts and the slowest input's time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from studio.production.fuzzing import READERS, check, mutate, seed_text

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="+", choices=sorted(READERS), help="fuzz only these readers")
    args = parser.parse_args()
    # Coqpit warns on stderr for each field it replaces by its default (a mutated model config); not a defect.
    warnings.filterwarnings("ignore", module="coqpit")
    seeds = {reader: seed_text(reader) for reader in args.only or READERS}
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        for reader in seeds:
            started = time.perf_counter()
            rng = random.Random(args.seed)
            counts = {"ok": 0, "refused": 0}
            slowest = 0.0
            for i in range(args.count):
                text = mutate(seeds[reader], rng) if i % 10 else "".join(
                    chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(0, 200)))
                t = time.perf_counter()
                try:
                    counts[check(reader, text)] += 1
                except Exception as exc:  # noqa: BLE001 - this is what the fuzzer looks for
                    failures += 1
                    print(f"{reader}: input {i} raised {type(exc).__name__}: {exc!r:.200}\n  {text[:300]!r}")
                slowest = max(slowest, time.perf_counter() - t)
            if os.listdir(scratch):
                failures += 1
                print(f"{reader}: wrote files: {os.listdir(scratch)}")
            print(f"{reader:<12} {args.count} inputs: {counts['ok']} loaded, {counts['refused']} refused, "
                  f"slowest {slowest * 1000:.1f} ms, {time.perf_counter() - started:.0f} s in all", flush=True)
            if slowest > 1.0:
                failures += 1
    print("fuzz:", "0 defects" if not failures else f"{failures} defects")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
