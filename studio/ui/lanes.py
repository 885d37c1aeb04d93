"""The block lanes of the timeline: words and phonemes, emotion, speaker mix, and the rendered waveform."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMenu

from studio.core.commands import SetPhonemes, SetWordEmotion, set_emotion
from studio.core.model import EMOTIONS, MAX_EMOTION_INTENSITY, Emotion
from studio.engine.render.scheduler import State

from studio.ui.blocks import BlocksItem, EnvelopeItem
from studio.ui.lane_base import SPEAKER_COLORS, Lane

EDGE_PX = 6
VOWELS = set("aeiouæɑɒɔəɚɛɜɝɪʊʌɐɨʉøœɤɯyɶᵻ")
EMOTION_COLORS = {"neutral": (110, 110, 120), "happy": (230, 190, 60), "sad": (80, 110, 200),
                  "angry": (210, 70, 60), "calm": (90, 170, 150), "surprised": (220, 120, 200),
                  "fearful": (150, 100, 190), "whisper": (160, 160, 170)}
STATE_COLORS = {State.STALE: QColor(120, 120, 120, 60), State.RENDERING: QColor(230, 190, 60, 70),
                State.READY: QColor(60, 160, 90, 40), State.FAILED: QColor(220, 60, 60, 90)}


class PhonemeLane(Lane):
    """Words above, phonemes below; a phoneme's width is its duration. Drag a phoneme's right edge to change it."""

    title = "phonemes"
    height = 70

    def __init__(self, timeline):
        super().__init__(timeline)
        self.blocks = BlocksItem()
        self.plot.addItem(self.blocks)
        self.plot.setYRange(0, 2, padding=0)
        self.plot.getAxis("left").setTicks([[]])
        self.guide = pg.InfiniteLine(angle=90, pen=pg.mkPen((255, 255, 255), style=Qt.DashLine))
        self._drag = None
        # Far out, one block per line with its text (elided): phonemes would be a grey smear.
        self.segments = BlocksItem(font_px=11, elide=True)
        self.segments.setVisible(False)
        self.plot.addItem(self.segments)

    PALETTE = {"pause": pg.mkBrush(70, 72, 80), "vowel": pg.mkBrush(60, 120, 190),
               "consonant": pg.mkBrush(45, 90, 140), "locked": pg.mkBrush(150, 110, 60), "word": pg.mkBrush(40, 44, 54)}

    def refresh(self) -> None:
        d = self.timeline.data
        pal = self.PALETTE
        colors = [pal["locked"] if locked else pal["pause"] if pause else
                  pal["vowel"] if any(c in VOWELS for c in sym) else pal["consonant"]
                  for sym, pause, locked in zip(d.symbol, d.pause, d.locked)]
        labels = ["" if p else s for s, p in zip(d.symbol, d.pause)]
        wx0 = [w[0] for w in d.words]
        wx1 = [w[1] for w in d.words]
        self.blocks.set_blocks(
            np.r_[d.start, wx0], np.r_[d.end, wx1], np.r_[np.full(len(d.start), 0.05), np.full(len(wx0), 1.05)],
            np.r_[np.full(len(d.start), 0.95), np.full(len(wx0), 1.95)],
            colors + [pal["word"]] * len(wx0), labels + [w[2] for w in d.words])
        project = self.timeline.document.project
        self.segments.set_blocks([p.start for p in d.placements], [p.end for p in d.placements],
                                 np.full(len(d.placements), 0.05), np.full(len(d.placements), 1.95),
                                 [pal["word"]] * len(d.placements), [s.text for s in project.segments])

    def show_segment_labels(self, on: bool) -> None:
        """Segment blocks instead of words and phonemes (the timeline switches at a zoom level)."""
        if on != self.segments.isVisible():
            self.segments.setVisible(on)
            self.blocks.setVisible(not on)

    def click(self, pos, ev) -> bool:
        """Click a word to select its phonemes in the pitch (or energy) lane; double-click it to fix how it is
        pronounced."""
        if ev.button() != Qt.LeftButton or pos.y() <= 1.0:
            return False
        for start, end, _text, si, wi in self.timeline.data.words:
            if start <= pos.x() < end:
                if ev.double():
                    self.timeline.word_activated.emit(si, wi)
                else:
                    self.timeline.select_word(si, wi, add=bool(ev.modifiers() & Qt.ShiftModifier))
                return True
        return False

    def drag_start(self, pos, ev) -> bool:
        d = self.timeline.data
        if pos.y() > 1.0 or not len(d.end):
            return False
        dist = np.abs(d.end - pos.x()) / max(self.pixels_to_x(1), 1e-12)
        i = int(np.argmin(dist))
        if dist[i] > EDGE_PX:
            return False
        self._drag = i
        self.guide.setValue(d.end[i])
        self.plot.addItem(self.guide, ignoreBounds=True)
        return True

    def drag_move(self, pos, ev) -> None:
        d = self.timeline.data
        self.guide.setValue(max(pos.x(), d.start[self._drag] + 0.01))

    def drag_finish(self, pos, ev) -> None:
        d, i = self.timeline.data, self._drag
        self.plot.removeItem(self.guide)
        self._drag = None
        new = max(pos.x() - d.start[i], 0.01)
        old = d.end[i] - d.start[i]
        if abs(new - old) < 1e-4 or d.duration_pred[i] <= 0:
            return
        seg = self.timeline.document.project.segments[int(d.seg_index[i])]
        scale = float(np.clip(new / d.duration_pred[i], 0.1, 10.0))
        self.timeline.document.push(SetPhonemes(seg.id, [int(d.ph_index[i])], "duration_scale", [scale]))


class EmotionLane(Lane):
    """One region per segment, labelled with its emotion and intensity; drag up or down to change the intensity,
    right-click to choose the emotion. Shift-drag over a word gives that word its own intensity, so an emotion
    can swell or fade across a sentence; such segments are drawn word by word."""

    title = "emotion"
    height = 60

    def __init__(self, timeline):
        super().__init__(timeline)
        self.blocks = BlocksItem()
        self.plot.addItem(self.blocks)
        self.plot.setYRange(0, MAX_EMOTION_INTENSITY, padding=0.05)
        self._drag = None

    def refresh(self) -> None:
        project = self.timeline.document.project
        data = self.timeline.data
        words_of: dict[int, list] = {}
        for w in data.words:
            words_of.setdefault(w[3], []).append(w)
        x0, x1, y1, colors, labels = [], [], [], [], []
        for si, (seg, place) in enumerate(zip(project.segments, data.placements)):
            e = seg.emotion
            brush = pg.mkBrush(*EMOTION_COLORS.get(e.name, (150, 150, 150)))
            curve = e.name != "neutral" and any(w.emotion_intensity is not None for w in seg.words)
            spans = [(w[0], w[1], seg.words[w[4]].emotion_intensity) for w in words_of.get(si, [])] if curve \
                else [(place.start, place.end, None)]
            for i, (a, b, own) in enumerate(spans):
                k = e.intensity if own is None else own
                x0.append(a)
                x1.append(b)
                y1.append(max(k, 0.05) if e.name != "neutral" else 0.05)
                colors.append(brush)
                labels.append(f"{e.name} {e.intensity:.1f}" if e.name != "neutral" and i == 0 else "")
        self.blocks.set_blocks(x0, x1, np.zeros(len(x0)), y1, colors, labels)

    def _segment_at(self, x: float):
        for seg, place in zip(self.timeline.document.project.segments, self.timeline.data.placements):
            if place.start <= x < place.end:
                return seg
        return None

    def _word_at(self, x: float) -> int | None:
        for start, end, _text, _si, wi in self.timeline.data.words:
            if start <= x < end:
                return wi
        return None

    def click(self, pos, ev) -> bool:
        seg = self._segment_at(pos.x())
        if seg is None or ev.button() != Qt.RightButton:
            return False
        menu = QMenu()
        for name in EMOTIONS:
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == seg.emotion.name)
        chosen = menu.exec(ev.screenPos().toPoint())
        if chosen is not None and chosen.text() != seg.emotion.name:
            self.timeline.document.push(set_emotion(seg.id, Emotion(chosen.text(), seg.emotion.intensity), False))
        return True

    def drag_start(self, pos, ev) -> bool:
        seg = self._segment_at(pos.x())
        if seg is None or seg.emotion.name == "neutral":
            return False
        word = self._word_at(pos.x()) if ev.modifiers() & Qt.ShiftModifier else None
        self._drag = (seg, word)
        return True

    def drag_finish(self, pos, ev) -> None:
        (seg, word), self._drag = self._drag, None
        value = round(float(np.clip(pos.y(), 0.0, MAX_EMOTION_INTENSITY)), 2)
        if word is not None:
            self.timeline.document.push(SetWordEmotion(seg.id, [word], [value]))
        elif abs(value - seg.emotion.intensity) > 0.01:
            self.timeline.document.push(set_emotion(seg.id, Emotion(seg.emotion.name, value), False))


class MixLane(Lane):
    """The speaker weights of each segment as a stacked band."""

    title = "voice mix"
    height = 60

    def __init__(self, timeline):
        super().__init__(timeline)
        self.blocks = BlocksItem(font_px=10)
        self.plot.addItem(self.blocks)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.getAxis("left").setTicks([[]])

    def speaker_color(self, name: str):
        names = self.timeline.speaker_order
        if name not in names:
            names.append(name)
        return SPEAKER_COLORS[names.index(name) % len(SPEAKER_COLORS)]

    def refresh(self) -> None:
        project = self.timeline.document.project
        x0, x1, y0, y1, colors, labels = [], [], [], [], [], []
        for seg, place in zip(project.segments, self.timeline.data.placements):
            acc = 0.0
            for name, w in project.effective_mix(seg).weights:
                x0.append(place.start)
                x1.append(place.end)
                y0.append(acc)
                y1.append(acc + w)
                colors.append(pg.mkBrush(*self.speaker_color(name)))
                labels.append(f"{name} {w:.0%}" if w < 1 else name)
                acc += w
        self.blocks.set_blocks(x0, x1, y0, y1, colors, labels)


class WaveformLane(Lane):
    """The rendered audio of every ready segment, over a band that shows its render state."""

    title = "audio"
    height = 90

    def __init__(self, timeline):
        super().__init__(timeline)
        self.state_blocks = BlocksItem(font_px=10)
        self.plot.addItem(self.state_blocks)
        self.wave = EnvelopeItem()
        self.plot.addItem(self.wave)
        self.plot.setYRange(-1, 1, padding=0.02)
        self.plot.getAxis("left").setTicks([[]])
        self._envelopes: dict[str, tuple[object, np.ndarray, np.ndarray, np.ndarray]] = {}

    def envelope(self, segment_id: str, result) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """5 ms min/max envelope of a render, relative to its start; kept until the render changes."""
        hit = self._envelopes.get(segment_id)
        if hit is not None and hit[0] is result:
            return hit[1], hit[2], hit[3]
        bin_len = max(1, result.sample_rate // 200)
        n = len(result.audio) // bin_len
        frames = result.audio[: n * bin_len].reshape(n, bin_len)
        t = np.arange(n) * bin_len / result.sample_rate
        env = (t, frames.max(axis=1), frames.min(axis=1))
        self._envelopes[segment_id] = (result, *env)
        return env

    def click(self, pos, ev) -> bool:
        if ev.button() == Qt.LeftButton:
            self.timeline.set_cursor(max(0.0, pos.x()))
            return True
        return False

    def refresh(self) -> None:
        project, render = self.timeline.document.project, self.timeline.render
        x0, x1, colors, labels = [], [], [], []
        xs, hi, lo = [], [], []
        for seg, place in zip(project.segments, self.timeline.data.placements):
            status = render.status(seg.id) if render else None
            state = status.state if status else State.STALE
            x0.append(place.start)
            x1.append(place.end)
            colors.append(STATE_COLORS[state])
            labels.append({State.STALE: "stale", State.RENDERING: "rendering…", State.READY: "",
                           State.FAILED: "failed: " + (status.reason if status else "")}[state])
            result = render.result(seg.id) if render else None
            if result is not None and len(result.audio):
                t, top, bottom = self.envelope(seg.id, result)
                xs.append(place.start - result.boundaries[0] / result.sample_rate + t)
                hi.append(top)
                lo.append(bottom)
        self.state_blocks.set_blocks(x0, x1, np.full(len(x0), -1.0), np.full(len(x0), 1.0), colors, labels)
        if xs:
            self.wave.set_envelope(np.concatenate(xs), np.concatenate(hi), np.concatenate(lo))
        else:
            self.wave.set_envelope(np.zeros(0), np.zeros(0), np.zeros(0))
