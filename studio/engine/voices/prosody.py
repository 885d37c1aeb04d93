"""Measuring a render's prosody per span: median F0 and level, as the editor's prediction lanes show them."""

from __future__ import annotations

import numpy as np

from studio.engine.edits.pitch import track
from studio.engine.voices.timing import Span


def measure_prosody(audio: np.ndarray, sample_rate: int, spans: list[Span],
                    robust: bool = False) -> list[tuple[float, float]]:
    """(median F0 in Hz or 0 if unvoiced, RMS in dBFS) for each span, measured with WORLD's DIO + StoneMask, or
    with Praat in the voice's own range where `robust` (neural voices, on which DIO makes octave errors)."""
    x = audio.astype(np.float64)
    if len(x) == 0:
        return [(0.0, -120.0) for _ in spans]
    if robust:
        period_ms = 5.0
        f0 = track(x, sample_rate, period_ms)
    else:
        import pyworld  # imported here: the module loads only when the embedded voice first analyses

        period_ms = 5.0
        f0, t = pyworld.dio(x, sample_rate, frame_period=period_ms, f0_floor=60.0, f0_ceil=600.0)
        f0 = pyworld.stonemask(x, f0, t, sample_rate)
    out = []
    for s in spans:
        a, b = s.start, max(s.end, s.start + 1)
        frames = f0[int(a / sample_rate * 1000 / period_ms):int(np.ceil(b / sample_rate * 1000 / period_ms))]
        voiced = frames[frames > 0]
        pitch = float(np.median(voiced)) if len(voiced) >= 2 else 0.0
        seg = x[a:b]
        rms = float(np.sqrt(np.mean(seg ** 2))) if len(seg) else 0.0
        out.append((pitch, float(20 * np.log10(max(rms, 1e-6)))))
    return out
