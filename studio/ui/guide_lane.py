"""The guide lane: a person's recording that guided a segment, as a waveform under the voices and as a faint
pitch curve under the synthetic one in the pitch lane.

Each recorded word is drawn over the segment's word (the recording is warped word by word onto the timeline),
so what the voice follows is visible at a glance; the pitch curve is the recording's F0 in semitones from the
speaker's median, placed at the voice's own median, as the guide copied it. It plays under the mix unless
muted, or alone when soloed (at its own speed, its first word on the segment's first word). Guides belong to
the editing session: the edits they made are in the project, the recordings are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from studio.ui.blocks import EnvelopeItem
from studio.ui.lane_base import Lane


@dataclass
class Guide:
    segment_id: str
    audio: np.ndarray
    rate: int
    words: list[tuple[float, float]]  # the recorded words, seconds, in the segment's word order
    f0: np.ndarray  # Hz per 10 ms frame, 0 = unvoiced


def make_guide(segment_id: str, audio: np.ndarray, rate: int, plan) -> Guide:
    from studio.engine.edits.pitch import track

    return Guide(segment_id, audio, rate, [(w.start, w.end) for w in plan.words], track(audio, rate, 10.0))


class GuideLane(Lane):
    title = "guide"
    height = 70

    def __init__(self, timeline):
        super().__init__(timeline)
        self.wave = EnvelopeItem(color=(170, 200, 150))
        self.plot.addItem(self.wave)
        self.plot.setYRange(-1, 1, padding=0.02)
        self.plot.getAxis("left").setTicks([[]])
        self.pitch = pg.PlotDataItem(pen=pg.mkPen((170, 220, 150, 110), width=2, style=Qt.DotLine), connect="finite")
        timeline.pitch.plot.addItem(self.pitch)
        self.guides: dict[str, Guide] = {}
        self.muted = False
        self.solo = False
        timeline.document.reset.connect(self.clear)  # another project: its guides are not these

    def add(self, guide: Guide) -> None:
        self.guides[guide.segment_id] = guide
        self.refresh()

    def clear(self) -> None:
        self.guides.clear()
        self.refresh()

    def _warp(self, guide: Guide) -> tuple[np.ndarray, np.ndarray, float] | None:
        """(recorded times, timeline times) of the word edges, and the voice's median pitch (st re 100 Hz)."""
        project, data = self.timeline.document.project, self.timeline.data
        try:
            si = project.segment_index(guide.segment_id)
        except KeyError:
            return None
        words = [(s, e) for s, e, text, seg, _ in data.words if seg == si and text]
        if len(words) != len(guide.words):
            return None  # the text changed since: the guide no longer matches word for word
        src = np.array([t for w in guide.words for t in w])
        dst = np.array([t for w in words for t in w])
        keep = np.r_[True, (np.diff(src) > 0) & (np.diff(dst) >= 0)]
        mine = data.seg_index == si
        pitch = (data.pitch_pred + data.pitch_edit)[mine]
        voiced = pitch[np.isfinite(pitch)]
        return src[keep], dst[keep], float(np.median(voiced)) if len(voiced) else 0.0

    def refresh(self) -> None:
        xs, hi, lo, px, py = [], [], [], [], []
        for guide in self.guides.values():
            warp = self._warp(guide)
            if warp is None:
                continue
            src, dst, median = warp
            bin_len = max(1, guide.rate // 200)
            n = len(guide.audio) // bin_len
            frames = guide.audio[: n * bin_len].reshape(n, bin_len)
            t = np.arange(n) * bin_len / guide.rate
            inside = (t >= src[0]) & (t <= src[-1])
            xs.append(np.interp(t[inside], src, dst))
            hi.append(frames.max(axis=1)[inside])
            lo.append(frames.min(axis=1)[inside])
            ft = np.arange(len(guide.f0)) * 0.01
            voiced = guide.f0 > 0
            if voiced.sum() >= 2:
                st = np.where(voiced, 12 * np.log2(np.where(voiced, guide.f0, 1.0) / np.median(guide.f0[voiced])),
                              np.nan) + median
                ok = (ft >= src[0]) & (ft <= src[-1])
                px.extend([np.interp(ft[ok], src, dst), [np.nan]])
                py.extend([st[ok], [np.nan]])
        if xs:
            self.wave.set_envelope(np.concatenate(xs), np.concatenate(hi), np.concatenate(lo))
        else:
            self.wave.set_envelope(np.zeros(0), np.zeros(0), np.zeros(0))
        self.pitch.setData(np.concatenate(px) if px else [], np.concatenate(py) if py else [])

    def audio_at(self, rate: int, length: int) -> np.ndarray | None:
        """The guides at their own speed, each with its first word on its segment's first word, for playback."""
        if not self.guides:
            return None
        from studio.engine.output.mixdown import resample

        out = np.zeros(length, np.float32)
        for guide in self.guides.values():
            warp = self._warp(guide)
            if warp is None:
                continue
            src, dst, _ = warp
            audio = resample(guide.audio, guide.rate, rate)
            start = int(round((dst[0] - src[0]) * rate))
            a, b = max(start, 0), min(start + len(audio), length)
            if b > a:
                out[a:b] += audio[a - start:b - start]
        return out
