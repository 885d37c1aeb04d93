"""A trained speaker verifier: the GE2E speaker encoder (Wan et al., 2018) whose weights ship in the
`resemblyzer` wheel, run on the CPU.

Only the weights come from resemblyzer. Its own module is not imported: it loads its checkpoint with full
unpickling and imports a deprecated SciPy path (a warning, which the tests treat as an error). The checkpoint is
a plain dict of tensors (`step`, `model_state`, `optimizer_state`), so it loads here with `weights_only=True`
into the same network: a 3-layer LSTM over 40 mel bands (25 ms windows, 10 ms hop, 16 kHz), the last layer's
hidden state through a linear layer and a ReLU, L2-normalised to a 256-dimensional embedding. An utterance's
embedding is the normalised mean over 1.6 s partial windows (1.3 per second), as resemblyzer computes it, after
the same preprocessing: loudness raised to -30 dBFS and silences longer than 180 ms cut (WebRTC VAD).

Two utterances are "the same speaker" when the cosine similarity of their embeddings is at least the calibrated
threshold (`calibration()`), read from models/verifier/ge2e_calibration.json, which scripts/calibrate_verifier.py writes
from equal-error-rate trials over the available voices.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.paths import MODELS
from studio.engine.errors import VerifierError

RATE = 16000
N_MELS, WINDOW, HOP = 40, 400, 160
PARTIAL = 160  # frames in a partial window (1.6 s)
PARTIALS_PER_S, MIN_COVERAGE = 1.3, 0.75
TARGET_DBFS = -30.0
VAD_MS, VAD_SMOOTH, VAD_MAX_SILENCE = 30, 8, 6
CALIBRATION = MODELS / "verifier" / "ge2e_calibration.json"

_lock = threading.Lock()
_model = None


@dataclass(frozen=True)
class Calibration:
    threshold: float  # cosine similarity at the equal error rate
    eer: float  # equal error rate of the calibration trials, 0..1
    same_trials: int
    different_trials: int
    speakers: tuple[str, ...]
    method: str


def weights_path() -> Path:
    spec = importlib.util.find_spec("resemblyzer")  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise VerifierError("The speaker verifier needs the resemblyzer package; install it with "
                            "'pip install resemblyzer'.")
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise VerifierError(f"The GE2E weights are missing from {path.parent}; reinstall resemblyzer.")
    return path


def encoder():
    """The GE2E network with its trained weights, loaded once."""
    global _model
    with _lock:
        if _model is None:
            import torch
            from torch import nn

            class GE2E(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.lstm = nn.LSTM(N_MELS, 256, 3, batch_first=True)
                    self.linear = nn.Linear(256, 256)

                def forward(self, mels):
                    _, (hidden, _) = self.lstm(mels)
                    e = torch.relu(self.linear(hidden[-1]))
                    return e / torch.norm(e, dim=1, keepdim=True).clamp_min(1e-9)

            checkpoint = torch.load(weights_path(), map_location="cpu", weights_only=True)
            state = {k: v for k, v in checkpoint["model_state"].items() if not k.startswith("similarity_")}
            model = GE2E()
            model.load_state_dict(state)  # strict: every weight of the network must be there
            _model = model.eval()
        return _model


def preprocess(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    import soxr

    x = np.asarray(audio, dtype=np.float32)
    if sample_rate != RATE:
        x = soxr.resample(x, sample_rate, RATE).astype(np.float32)
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0
    if rms > 0:
        gain_db = TARGET_DBFS - 20 * np.log10(rms)
        if gain_db > 0:  # raise quiet speech, never lower loud speech (resemblyzer's increase_only)
            x = x * np.float32(10 ** (gain_db / 20))
    return _trim_silences(x)


def _trim_silences(x: np.ndarray) -> np.ndarray:
    try:
        import webrtcvad
    except ImportError:
        return x
    from scipy.ndimage import binary_dilation

    n = VAD_MS * RATE // 1000
    x = x[:len(x) - len(x) % n]
    if len(x) < n:
        return x
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    vad = webrtcvad.Vad(3)
    flags = np.array([vad.is_speech(pcm[i * 2:(i + n) * 2], sample_rate=RATE) for i in range(0, len(x), n)])
    pad = (VAD_SMOOTH - 1) // 2
    padded = np.concatenate([np.zeros(pad), flags.astype(float), np.zeros(VAD_SMOOTH // 2)])
    smooth = np.convolve(padded, np.ones(VAD_SMOOTH) / VAD_SMOOTH, mode="valid")[: len(flags)] > 0.5
    keep = binary_dilation(smooth, np.ones(VAD_MAX_SILENCE + 1))
    if not keep.any():
        return x
    return x[np.repeat(keep, n)]


def _mels(x: np.ndarray) -> np.ndarray:
    import librosa

    return librosa.feature.melspectrogram(y=x, sr=RATE, n_fft=WINDOW, hop_length=HOP,
                                          n_mels=N_MELS).astype(np.float32).T


def embed(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """The speaker embedding (256 values, unit length) of one utterance."""
    import torch

    x = preprocess(audio, sample_rate)
    n_frames = int(np.ceil((len(x) + 1) / HOP))
    step = max(1, int(round(RATE / PARTIALS_PER_S / HOP)))
    starts = list(range(0, max(1, n_frames - PARTIAL + step + 1), step))
    if len(starts) > 1 and (len(x) - starts[-1] * HOP) / (PARTIAL * HOP) < MIN_COVERAGE:
        starts = starts[:-1]
    need = (starts[-1] + PARTIAL) * HOP
    if need > len(x):
        x = np.pad(x, (0, need - len(x)))
    mel = _mels(x)
    batch = np.stack([mel[s:s + PARTIAL] for s in starts])
    model = encoder()
    with _lock, torch.inference_mode():
        partials = model(torch.from_numpy(batch)).numpy()
    e = partials.mean(axis=0)
    return e / max(float(np.linalg.norm(e)), 1e-9)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


def equal_error_rate(same: list[float] | np.ndarray, different: list[float] | np.ndarray) -> tuple[float, float]:
    """(EER, threshold): the similarity where the share of same-speaker trials scored below it equals the share
    of different-speaker trials scored at or above it, interpolated between the two nearest candidates."""
    same, different = np.sort(np.asarray(same, float)), np.sort(np.asarray(different, float))
    if not len(same) or not len(different):
        raise ValueError("an equal error rate needs both same-speaker and different-speaker trials")
    candidates = np.unique(np.concatenate([same, different, [np.inf]]))
    miss = np.searchsorted(same, candidates, side="left") / len(same)  # same scored below t: rejected
    false = 1 - np.searchsorted(different, candidates, side="left") / len(different)  # different >= t: accepted
    i = int(np.argmin(np.abs(miss - false)))
    # Between candidates i-1 and i one rate crosses the other; take the middle of the two at the closest one.
    eer = float((miss[i] + false[i]) / 2)
    threshold = float(candidates[i]) if np.isfinite(candidates[i]) else float(same[-1])
    return eer, threshold


def calibration(path: Path = CALIBRATION) -> Calibration:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Calibration(float(data["threshold"]), float(data["eer"]), int(data["same_trials"]),
                           int(data["different_trials"]), tuple(data["speakers"]), str(data["method"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise VerifierError(f"The verifier's calibration {path} is missing or damaged; run "
                            "scripts/calibrate_verifier.py to write it.") from None
