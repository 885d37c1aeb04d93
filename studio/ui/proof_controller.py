"""The editor's proof pass: every line that finishes rendering is proof-listened (engine.guide.proof) in another
process, and its flags come back as a Qt signal.

Why a process and not a worker thread: PocketSphinx holds Python's interpreter lock while it decodes, so on a
thread the window would freeze for as long as a line's alignment takes (about 2 s measured on a 3.5 s line here).
One worker process, one line at a time, newest render of a line only; a line is proofed again only when its
render key changed (a line that did not re-render keeps its proof), and a proof already in the cache under that
key is taken from there without running anything.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

from PySide6.QtCore import QObject, Signal, Slot

from studio.engine.guide.proof import LineProof, ProofCache, default_proof_dir, proof
from studio.engine.render.scheduler import State, Status

from studio.ui.document import Document


def _new_executor() -> Executor:
    # spawn, not fork: the window's process has threads (render worker, Qt), which fork does not copy safely.
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


class ProofController(QObject):
    proofed = Signal(str)  # segment id: its proof changed
    failed = Signal(str)  # one sentence
    _finished = Signal(str, str, object)  # segment id, render key, LineProof or an error sentence

    def __init__(self, document: Document, render, cache: ProofCache | None = None, enabled: bool = True,
                 executor_factory=_new_executor, parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.render = document, render
        self.cache = cache if cache is not None else ProofCache(default_proof_dir())
        self.enabled = enabled
        self._executor_factory = executor_factory
        self._executor: Executor | None = None
        self.proofs: dict[str, tuple[str, LineProof]] = {}  # segment id -> (render key, proof)
        self._queue: dict[str, tuple] = {}  # segment id -> (key, request, result): the newest render only
        self._busy: tuple | None = None
        self.runs = 0  # proofs actually computed, for tests
        self._finished.connect(self._on_finished)
        render.status_changed.connect(self._on_status)

    def close(self) -> None:
        self._queue.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    # ---- in -----------------------------------------------------------------------------------------------
    @Slot(str, object)
    def _on_status(self, segment_id: str, status: Status) -> None:
        if not self.enabled or status.state is not State.READY:
            return
        request = self.render.request(segment_id, status.generation)
        result = self.render.result(segment_id)
        if request is None or result is None:
            return
        key = request.key()
        held = self.proofs.get(segment_id)
        if held is not None and held[0] == key:
            return  # the same render again (an undo, a cache hit): its proof stands
        cached = self.cache.get(request)
        if cached is not None:
            self.proofs[segment_id] = (key, cached)
            self.proofed.emit(segment_id)
            return
        self._queue[segment_id] = (key, request, result)
        self._pump()

    def _pump(self) -> None:
        if self._busy is not None or not self._queue:
            return
        segment_id = next(iter(self._queue))
        key, request, result = self._queue.pop(segment_id)
        self._busy = (segment_id, key, request)
        if self._executor is None:
            self._executor = self._executor_factory()
        try:
            future = self._executor.submit(proof, request, result, self.cache.calibration)
        except RuntimeError:  # shut down while closing
            self._busy = None
            return

        def done(f) -> None:  # on the executor's own thread: hand over to the GUI thread
            try:
                found = f.result()
            except Exception as exc:  # noqa: BLE001 - the user gets one sentence, the editor goes on
                found = f"The proof pass failed on a line ({type(exc).__name__}: {exc})."
            self._finished.emit(segment_id, key, found)
        future.add_done_callback(done)

    @Slot(str, str, object)
    def _on_finished(self, segment_id: str, key: str, found) -> None:
        busy, self._busy = self._busy, None
        if isinstance(found, LineProof):
            self.runs += 1
            if busy is not None:
                self.cache.put(busy[2], found)
            current = self.render.current_key(segment_id)
            if current is None or current == key:  # not superseded by a newer render meanwhile
                self.proofs[segment_id] = (key, found)
                self.proofed.emit(segment_id)
        else:
            self.failed.emit(str(found))
        self._pump()

    def proof_later(self, request, result):
        """A future of the proof of one render (a take), run in the same worker process; wait on it off the GUI
        thread only."""
        if self._executor is None:
            self._executor = self._executor_factory()
        return self._executor.submit(proof, request, result, self.cache.calibration)

    def idle(self) -> bool:
        return self._busy is None and not self._queue

    # ---- out ----------------------------------------------------------------------------------------------
    def flags(self, segment_id: str) -> list:
        """The line's flagged words (WordProof) that the user has not dismissed."""
        held = self.proofs.get(segment_id)
        if held is None:
            return []
        try:
            seg = self.document.project.segment(segment_id)
        except KeyError:
            return []
        return [w for w in held[1].words if w.flagged and not seg.flag_dismissed(w.index)]

    def count(self, segment_id: str) -> int | None:
        """Flags on the line, or None while it has no proof yet."""
        return len(self.flags(segment_id)) if segment_id in self.proofs else None

    def next_flag(self, segment_id: str | None, word_index: int) -> tuple[str, object] | None:
        """The first flag after word `word_index` of `segment_id` in script order, wrapping round to the top."""
        order = [s.id for s in self.document.project.segments]
        start = order.index(segment_id) if segment_id in order else 0
        for k in range(len(order) + 1):
            seg_id = order[(start + k) % len(order)] if order else None
            if seg_id is None:
                return None
            for w in sorted(self.flags(seg_id), key=lambda w: w.index):
                if k > 0 or segment_id not in order or w.index > word_index:
                    return seg_id, w
        return None
