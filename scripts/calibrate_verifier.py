"""Calibrate the GE2E verifier's threshold by equal error rate over the voices available here.

    python scripts/calibrate_verifier.py [--sentences 12] [--out models/verifier/ge2e_calibration.json]

Speakers: the neural voice (Piper joe through Coqui VITS) and the six embedded espeak-ng voices. Each speaks the
first N Harvard sentences (scripts/bench_intelligibility.py). Trials are pairs of *different* sentences:
same-speaker pairs (7 x N(N-1)/2) and different-speaker pairs (21 x N(N-1)). Each utterance is embedded once;
a trial's score is the cosine similarity of the two embeddings. The threshold is where the false-accept and
false-reject rates meet (the EER point). The JSON records the threshold, the EER, the trial counts and the
score distributions' summary, so the meter can say how its threshold was derived.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def speaker_utterances(n: int) -> dict[str, list]:
    """{speaker: [(audio, rate) per sentence]} for the neural voice and the embedded voices."""
    from bench_intelligibility import SENTENCES

    from studio.engine.privacy import anonymity
    from studio.engine.voices.embedded.voice import SPEAKERS, EmbeddedVoice
    from studio.engine.voices.registry import NEURAL, VoiceRegistry

    neural = VoiceRegistry().backbone(NEURAL)
    embedded = EmbeddedVoice()
    out = {}
    for name, backbone in [(NEURAL.model, neural)] + [(s.id, embedded) for s in SPEAKERS]:
        out[name] = [anonymity.mix_renderer(backbone, text)(((name, 1.0),)) for text in SENTENCES[:n]]
    return out


def main() -> int:
    os.environ.setdefault("STUDIO_MODELS", os.path.join(tempfile.gettempdir(), "speech-studio-test-models"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=12)
    ap.add_argument("--out", default=str(ROOT / "models" / "verifier" / "ge2e_calibration.json"))
    args = ap.parse_args()
    import numpy as np

    from studio.engine.privacy import verifier

    t0 = time.time()
    utts = speaker_utterances(args.sentences)
    emb = {s: [verifier.embed(a, r) for a, r in us] for s, us in utts.items()}
    same, diff = [], []
    speakers = list(emb)
    for s in speakers:
        for i, j in combinations(range(args.sentences), 2):
            same.append(verifier.similarity(emb[s][i], emb[s][j]))
    for s, t in combinations(speakers, 2):
        for i in range(args.sentences):
            for j in range(args.sentences):
                if i != j:
                    diff.append(verifier.similarity(emb[s][i], emb[t][j]))
    eer, threshold = verifier.equal_error_rate(same, diff)
    pairs = {}
    for s, t in combinations(speakers, 2):
        pairs[f"{s} / {t}"] = round(float(np.mean([verifier.similarity(a, b) for a in emb[s] for b in emb[t]])), 3)
    data = {
        "threshold": round(threshold, 4), "eer": round(eer, 4), "same_trials": len(same),
        "different_trials": len(diff), "speakers": speakers, "sentences": args.sentences,
        "method": (f"EER over {len(same)} same-speaker and {len(diff)} different-speaker trials, each a pair of "
                   f"different Harvard sentences spoken by {len(speakers)} voices (the neural voice and the six "
                   "embedded voices); score = GE2E cosine similarity"),
        "same_scores": {"min": round(min(same), 3), "median": round(float(np.median(same)), 3)},
        "different_scores": {"median": round(float(np.median(diff)), 3), "max": round(max(diff), 3)},
        "mean_similarity_between_speakers": pairs,
        "seconds": round(time.time() - t0, 1),
    }
    Path(args.out).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in data.items() if k != "mean_similarity_between_speakers"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
