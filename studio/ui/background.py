"""Work off the GUI thread: a function runs on a worker thread, its progress and result come back as queued
signals, so widgets only ever change on the GUI thread. Cancel sets a flag the function polls."""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal


class Job(QObject):
    progress = Signal(int, int, str)  # done, total, what
    finished = Signal(object)  # the function's result
    failed = Signal(str)  # one sentence
    cancelled_ = Signal()

    def __init__(self, fn: Callable[["Job"], Any], errors: tuple = (Exception,), parent: QObject | None = None):
        super().__init__(parent)
        self.fn, self.errors = fn, errors
        self._cancel = threading.Event()
        self.thread: threading.Thread | None = None
        self.running = False

    def start(self) -> "Job":
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, what: str = "") -> None:
        self.progress.emit(done, total, what)

    def _run(self) -> None:
        from studio.production.export_job import ExportCancelled

        try:
            result = self.fn(self)
        except ExportCancelled:
            self.running = False
            self.cancelled_.emit()
            return
        except self.errors as exc:  # noqa: BLE001 - the user gets one sentence
            self.running = False
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.running = False
        if self.cancelled:
            self.cancelled_.emit()
        else:
            self.finished.emit(result)
