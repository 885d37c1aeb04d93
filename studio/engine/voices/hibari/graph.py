"""hibari's one ONNX graph, cut into three so that durations and F0 can be given to it instead of predicted.

The exported graph runs text encoder -> duration predictor -> length regulator -> ProsodyNet (F0 and energy per
frame) -> decoder (five spectral parts per frame) in one call, with only `ids` and a global `speed` as inputs.
Its intermediate tensors are still there under their export names, so onnx's own Extractor cuts it at them:

- durations: ids -> whole frames per token (the rounded, clipped prediction, before the length regulator);
- prosody:   ids, durations -> F0 in Hz and energy per 12.5 ms frame (two frames per duration unit);
- decoder:   ids, durations, F0, energy -> the spectral parts hibari's numpy vocoder turns into audio.

The three pieces together give exactly the samples of `Hibari.from_phonemes` (tests check it). The names are
those of hibari-tts 0.2.1's export; another export is refused with one sentence rather than misread.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

DURATIONS = "/Cast_32_output_0"  # int64 [L]: frames per token, each frame 2 x 300 samples at 24 kHz
ENERGY = "/Mul_62_output_0"  # float32 [1, F]: ProsodyNet's energy, in the decoder's own (log) units
F0 = "f0"  # float32 [1, F]: Hz per 300-sample frame, about 0 where unvoiced (also a graph output)
SPECTRAL = ("lh", "theta", "ln", "lr", "phi")
SAMPLES_PER_UNIT = 600  # one duration unit = two 12.5 ms frames of the decoder


class GraphMismatch(Exception):
    pass


class HibariGraph:
    """The three sessions. onnxruntime sessions are thread-safe, but one lock keeps a render's runs together
    and the CPU to one segment at a time."""

    def __init__(self, model_path: str | Path, threads: int = 1):
        import onnx
        import onnxruntime as ort
        from onnx.utils import Extractor

        model = onnx.load(str(model_path))
        names = {o for n in model.graph.node for o in n.output}
        missing = [n for n in (DURATIONS, ENERGY, F0, *SPECTRAL) if n not in names]
        if missing:
            raise GraphMismatch(f"hibari's graph has no tensor {missing[0]}")
        cut = Extractor(model)
        parts = {"durations": cut.extract_model(["ids", "speed"], [DURATIONS]),
                 "prosody": cut.extract_model(["ids", DURATIONS], [F0, ENERGY]),
                 "decoder": cut.extract_model(["ids", DURATIONS, F0, ENERGY], list(SPECTRAL))}
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = threads
        options.log_severity_level = 3
        self._sessions = {k: ort.InferenceSession(m.SerializeToString(), options, providers=["CPUExecutionProvider"])
                          for k, m in parts.items()}
        self.lock = threading.Lock()

    @staticmethod
    def _ids(ids) -> np.ndarray:
        return np.asarray([ids], dtype=np.int64)

    def durations(self, ids) -> np.ndarray:
        """Predicted duration units per token (pads included), at hibari's own pace."""
        with self.lock:
            (d,) = self._sessions["durations"].run(None, {"ids": self._ids(ids),
                                                          "speed": np.ones(1, dtype=np.float32)})
        return d.astype(np.int64)

    def prosody(self, ids, durations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(F0 [F], energy [F]) predicted for these durations; F = 2 x their sum."""
        with self.lock:
            f0, energy = self._sessions["prosody"].run(None, {"ids": self._ids(ids),
                                                              DURATIONS: durations.astype(np.int64)})
        return f0[0], energy[0]

    def audio(self, ids, durations: np.ndarray, f0: np.ndarray, energy: np.ndarray, seed: int) -> np.ndarray:
        """The decoder on the given prosody, then hibari's own vocoder (noise seeded, so the same inputs give
        the same samples). F0 goes to both: the decoder is conditioned on it and the pulse train follows it."""
        from hibari import dsp

        with self.lock:
            parts = self._sessions["decoder"].run(None, {
                "ids": self._ids(ids), DURATIONS: durations.astype(np.int64),
                F0: f0[None, :].astype(np.float32), ENERGY: energy[None, :].astype(np.float32)})
        lh, th, ln, lr, phi = (p[0] for p in parts)
        return dsp.synth(lh, th, ln, lr, phi, f0.astype(np.float32), np.random.default_rng(seed))
