"""The dubbing lane: the original dialogue as a waveform under the synthetic voices, and each line's cue slot.

The reference audio is a file next to the project (or anywhere, by absolute path); it plays with the mix unless
muted, or alone when soloed. A line with a slot (from subtitles) shows its slot as a box here, so a line that
runs past its cue is visible at a glance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg

from studio.ui.blocks import BlocksItem, EnvelopeItem
from studio.ui.lane_base import Lane

MAX_REFERENCE_S = 4 * 3600


def stored_path(document, ref: str | None) -> Path | None:
    """A reference file's path as kept in the project (relative to the project's folder, or absolute)."""
    if not ref:
        return None
    path = Path(ref)
    if not path.is_absolute() and document.path is not None:
        path = document.path.parent / path
    return path


def reference_path(document) -> Path | None:
    return stored_path(document, document.project.reference_audio)


def stored_reference(document, path: Path) -> str:
    """Relative to the project's folder when the file lies inside it, so the project can move with it."""
    path = Path(path).resolve()
    if document.path is not None:
        folder = document.path.resolve().parent
        if folder in path.parents:
            return str(path.relative_to(folder))
    return str(path)


def read_reference(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 audio, or ValueError with one sentence."""
    import soundfile as sf

    try:
        info = sf.info(str(path))
        if info.duration > MAX_REFERENCE_S:
            raise ValueError(f"{path.name} is longer than four hours; cut the reel into parts.")
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError, sf.LibsndfileError) as exc:
        raise ValueError(f"{path.name} could not be read as audio ({exc}); use WAV, FLAC or OGG.") from None
    return audio.mean(axis=1).astype(np.float32), int(rate)


class ReferenceLane(Lane):
    title = "reference"
    height = 70

    def __init__(self, timeline):
        super().__init__(timeline)
        self.slots = BlocksItem(font_px=10)
        self.wave = EnvelopeItem(color=(220, 180, 120))
        self.plot.addItem(self.slots)
        self.plot.addItem(self.wave)
        self.plot.setYRange(-1, 1, padding=0.02)
        self.plot.getAxis("left").setTicks([[]])
        self.audio: np.ndarray | None = None
        self.rate = 0
        self.loaded_from: Path | None = None
        self.muted = False
        self.solo = False

    def load(self, path: Path | None) -> None:
        """Read the reference (None clears it); raises ValueError with one sentence."""
        if path is None:
            self.audio, self.rate, self.loaded_from = None, 0, None
        else:
            self.audio, self.rate = read_reference(path)
            self.loaded_from = path
        self.refresh()

    def refresh(self) -> None:
        project = self.timeline.document.project
        x0, x1, colors, labels = [], [], [], []
        for seg, place in zip(project.segments, self.timeline.data.placements):
            if seg.slot:
                over = place.duration > seg.slot + 0.02
                x0.append(place.start)
                x1.append(place.start + seg.slot)
                colors.append(pg.mkBrush(220, 90, 80, 70) if over else pg.mkBrush(120, 160, 220, 50))
                labels.append("too long" if over else "")
        self.slots.set_blocks(x0, x1, np.full(len(x0), -1.0), np.full(len(x0), 1.0), colors, labels)
        if self.audio is None or not len(self.audio):
            self.wave.set_envelope(np.zeros(0), np.zeros(0), np.zeros(0))
            return
        bin_len = max(1, self.rate // 200)
        n = len(self.audio) // bin_len
        frames = self.audio[: n * bin_len].reshape(n, bin_len)
        self.wave.set_envelope(np.arange(n) * bin_len / self.rate, frames.max(axis=1), frames.min(axis=1))

    def audio_at(self, rate: int, length: int) -> np.ndarray | None:
        """The reference resampled to `rate`, cut or padded to `length` samples, for playback under the mix."""
        if self.audio is None:
            return None
        from studio.engine.output.mixdown import resample

        audio = resample(self.audio, self.rate, rate)
        out = np.zeros(max(length, len(audio)), np.float32)
        out[:len(audio)] = audio
        return out
