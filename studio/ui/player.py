"""Playback through QtMultimedia: play a buffer from a position, optionally looping a span, with a moving playhead.

The sink is made by a factory, so tests can play into a fake one. With no audio device the player says so once
and stays usable for everything but sound.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, Signal


def default_sink(fmt):
    from PySide6.QtMultimedia import QAudioSink, QMediaDevices

    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return None
    return QAudioSink(device, fmt)


class Player(QObject):
    position_changed = Signal(float)  # seconds on the project timeline
    playing_changed = Signal(bool)
    message = Signal(str)

    def __init__(self, sink_factory=default_sink, parent=None):
        super().__init__(parent)
        self.sink_factory = sink_factory
        self._sink = None
        self._buffer: QBuffer | None = None
        self._rate = 22050
        self._start = 0.0
        self._loop: tuple[float, float] | None = None
        self._audio = np.zeros(0, np.float32)
        self._timer = QTimer(self, interval=30)
        self._timer.timeout.connect(self._tick)
        self._warned = False

    @property
    def playing(self) -> bool:
        return self._sink is not None

    def play(self, audio: np.ndarray, rate: int, start: float = 0.0, loop: tuple[float, float] | None = None) -> bool:
        """Play `audio` (the project mix, starting at time 0) from `start` seconds; `loop` repeats a span."""
        from PySide6.QtMultimedia import QAudioFormat

        self.stop()
        self._audio, self._rate, self._loop = audio, rate, loop
        begin = loop[0] if loop else start
        end = loop[1] if loop else len(audio) / rate
        chunk = audio[int(begin * rate):int(end * rate)]
        if len(chunk) == 0:
            return False
        fmt = QAudioFormat()
        fmt.setSampleRate(rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.Int16)
        sink = self.sink_factory(fmt)
        if sink is None:
            if not self._warned:
                self.message.emit("No audio output device was found, so playback is off; everything else works.")
                self._warned = True
            return False
        pcm = (np.clip(chunk, -1, 1) * 32767).astype("<i2").tobytes()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pcm))
        self._buffer.open(QIODevice.ReadOnly)
        self._sink, self._start = sink, begin
        sink.start(self._buffer)
        self._timer.start()
        self.playing_changed.emit(True)
        return True

    def stop(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink = None
            self._timer.stop()
            self.playing_changed.emit(False)
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None

    def _tick(self) -> None:
        if self._sink is None:
            return
        played = self._sink.processedUSecs() / 1e6
        position = self._start + played
        self.position_changed.emit(position)
        end = self._loop[1] if self._loop else len(self._audio) / self._rate
        if position >= end - 1e-3:
            if self._loop:
                self.play(self._audio, self._rate, loop=self._loop)
            else:
                self.stop()
