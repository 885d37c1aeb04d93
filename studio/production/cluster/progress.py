"""The batch's live line on stderr: inputs done, lines rendered and cached, hours of speech, throughput, ETA."""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


class Progress:
    def __init__(self, inputs: int, stream=None, every_s: float = 5.0):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every_s = every_s  # in a log, a line this often rather than a redraw
        self.inputs, self.inputs_done = inputs, 0
        self.lines = self.rendered = self.cached = self.failed = 0
        self.speech_s = 0.0
        self.started = self._last = time.time()

    def line(self) -> str:
        elapsed = max(1e-6, time.time() - self.started)
        rate = self.rendered / elapsed
        left = self.lines - self.rendered - self.cached - self.failed
        eta = _clock(left / rate) if rate > 0 and left > 0 else "-"
        return (f"batch: inputs {self.inputs_done}/{self.inputs} · lines {self.rendered} rendered, {self.cached} "
                f"cached, {self.failed} failed of {self.lines} · {self.speech_s / 3600:.2f} h of speech · "
                f"{rate:.2f} lines/s · ETA {eta}")

    def show(self, force: bool = False) -> None:
        now = time.time()
        if self.tty:
            print("\r" + self.line(), end="", file=self.stream, flush=True)
        elif force or now - self._last >= self.every_s:
            print(self.line(), file=self.stream, flush=True)
        self._last = now

    def finish(self) -> None:
        if self.tty:
            print("\r" + self.line(), file=self.stream, flush=True)
        else:
            self.show(force=True)
