"""The engine worker: renders segments off the caller's thread, newest request first, nearest the playhead first.

- `submit` never blocks: it records the newest request of a segment under a new generation number and returns.
- The worker waits a short debounce after a segment's last submission, so a drag becomes one render.
- Of the segments ready to go, the one with the lowest priority value (distance to the playhead) renders first.
- A result whose generation is no longer the segment's newest is dropped: no stale audio ever reaches the UI.
- Every segment has a status (stale, rendering, ready, failed with a reason) that the UI can show.
- A render that raises, runs out of memory or returns NaN marks only its segment as failed.
- With a `prefill` hook (the GPU path), the worker hands the most urgent stale segments to it as one batch before
  rendering them one by one; the renders then find the model's part ready. The first batch is small, so the
  segment under the playhead is heard at once, and batches grow while the queue stays full.
One scheduler runs one worker thread; use one scheduler per device.
"""

from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from studio.engine.voices.backbone import RenderRequest, RenderResult
from studio.engine.render.cache import RenderCache


class State(enum.Enum):
    STALE = "stale"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class Status:
    state: State
    generation: int
    reason: str = ""
    from_cache: bool = False


@dataclass
class _Job:
    request: RenderRequest
    generation: int
    priority: float
    submitted: float


Listener = Callable[[str, Status], None]
Prefill = Callable[[list[RenderRequest]], None]
FIRST_BATCH = 2  # the first batch after the queue was empty: small, so playback can start at once
MAX_BATCH = 16  # batches double up to this while work is queued


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, MemoryError) or "out of memory" in str(exc).lower():
        return "The model ran out of memory on this segment; shorten it or render on the CPU."
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if text.endswith(".") else text + "."


class RenderScheduler:
    def __init__(self, render: Callable[[RenderRequest], RenderResult], cache: RenderCache | None = None,
                 debounce_s: float = 0.05, prefill: Prefill | None = None):
        self._render = render
        self._prefill = prefill
        self._batch = FIRST_BATCH
        self._prefilled: set[str] = set()  # request keys already handed to prefill and not yet rendered
        self.cache = cache or RenderCache()
        self.debounce_s = debounce_s
        self._cond = threading.Condition()
        self._pending: dict[str, _Job] = {}
        self._generation: dict[str, int] = {}
        self._status: dict[str, Status] = {}
        self._results: dict[str, RenderResult] = {}
        self._listeners: list[Listener] = []
        self._busy = False
        self._closed = False
        self.renders = 0  # renders actually run (not cache hits), for tests and benchmarks
        self.batches: list[int] = []  # sizes of the batches handed to prefill, for tests and benchmarks
        self._thread = threading.Thread(target=self._run, name="render-worker", daemon=True)
        self._thread.start()

    # ---- caller side ----------------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def submit(self, segment_id: str, request: RenderRequest, priority: float = 0.0) -> int:
        with self._cond:
            generation = self._generation.get(segment_id, 0) + 1
            self._generation[segment_id] = generation
            replaced = self._pending.get(segment_id)
            if replaced is not None and replaced.request.key() != request.key():
                self._prefilled.discard(replaced.request.key())  # superseded before it rendered
            self._pending[segment_id] = _Job(request, generation, priority, time.monotonic())
            self._results.pop(segment_id, None)
            self._set(segment_id, Status(State.STALE, generation))
            self._cond.notify_all()
        return generation

    def reprioritize(self, priorities: dict[str, float]) -> None:
        """New distances to the playhead for pending segments."""
        with self._cond:
            for seg, p in priorities.items():
                if seg in self._pending:
                    self._pending[seg].priority = p
            self._cond.notify_all()

    def forget(self, segment_id: str) -> None:
        """A removed segment: drop its pending work and its result."""
        with self._cond:
            dropped = self._pending.pop(segment_id, None)
            if dropped is not None:
                self._prefilled.discard(dropped.request.key())
            self._generation[segment_id] = self._generation.get(segment_id, 0) + 1
            self._results.pop(segment_id, None)
            self._status.pop(segment_id, None)

    def status(self, segment_id: str) -> Status | None:
        with self._cond:
            return self._status.get(segment_id)

    def result(self, segment_id: str) -> RenderResult | None:
        with self._cond:
            return self._results.get(segment_id)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    # ---- worker side ----------------------------------------------------------------------------------------
    def _set(self, segment_id: str, status: Status) -> None:
        self._status[segment_id] = status
        for listener in list(self._listeners):
            try:
                listener(segment_id, status)
            except Exception:  # noqa: BLE001 - a broken listener must not stop rendering
                pass

    def _ready(self) -> list[str]:
        """Called with the lock held: segments whose debounce has passed, most urgent first."""
        now = time.monotonic()
        return [seg for _, _, seg in sorted((job.priority, job.submitted, seg) for seg, job in self._pending.items()
                                            if now - job.submitted >= self.debounce_s)]

    def _next_job(self) -> tuple[str, _Job] | None:
        """Called with the lock held: the most urgent job whose debounce has passed, or None (and a wait)."""
        while not self._closed:
            ready = self._ready()
            if ready:
                return ready[0], self._pending.pop(ready[0])
            self._batch = FIRST_BATCH  # the queue ran dry: the next burst of work starts with a small batch
            now = time.monotonic()
            if self._pending:
                soonest = min(job.submitted for job in self._pending.values()) + self.debounce_s
                self._cond.wait(max(0.001, soonest - now))
            else:
                self._cond.wait()
        return None

    def _run(self) -> None:
        """The worker loop. Nothing may end it but close(): a failure of the cache, a listener or a render marks
        the one segment failed (or costs a re-render) and the loop goes on with the next."""
        while True:
            with self._cond:
                picked = self._next_job()
                if picked is None:
                    return
                segment_id, job = picked
                self._busy = True
                self._set(segment_id, Status(State.RENDERING, job.generation))
                batch = self._batch_with(job) if self._prefill is not None else []
            if batch:
                self._run_prefill(batch)
            result, reason, from_cache = None, "", False
            try:
                result, reason, from_cache = self._work(job)
            except Exception as exc:  # noqa: BLE001 - whatever fails, the worker goes on
                result, reason = None, failure_reason(exc)
            finally:
                with self._cond:
                    self._busy = False
                    if self._generation.get(segment_id) == job.generation:  # else a newer edit superseded it
                        if result is None:
                            self._set(segment_id, Status(State.FAILED, job.generation, reason))
                        else:
                            self._results[segment_id] = result
                            self._set(segment_id, Status(State.READY, job.generation, from_cache=from_cache))
                    self._cond.notify_all()

    def _batch_with(self, job: _Job) -> list[RenderRequest]:
        """Called with the lock held: `job` and the next most urgent ready jobs, up to the batch size, that are
        neither prefilled already nor in the cache. Empty when there is nothing to batch."""
        if job.request.key() in self._prefilled or self.cache.contains(job.request.key()):
            return []
        picked = [job.request]
        for seg in self._ready():
            if len(picked) >= self._batch:
                break
            request = self._pending[seg].request
            if request.key() not in self._prefilled and not self.cache.contains(request.key()):
                picked.append(request)
        if len(picked) < 2:
            return []
        self._batch = min(MAX_BATCH, self._batch * 2)
        return picked

    def _run_prefill(self, batch: list[RenderRequest]) -> None:
        """The batch's model part; a failure only means the segments render one at a time."""
        try:
            self._prefill(batch)
            self.batches.append(len(batch))
            self._prefilled.update(r.key() for r in batch)
        except Exception:  # noqa: BLE001 - each segment's own render reports its error
            pass

    def _work(self, job: _Job) -> tuple[RenderResult | None, str, bool]:
        key = job.request.key()
        self._prefilled.discard(key)
        try:
            cached = self.cache.get(key)
        except Exception:  # noqa: BLE001 - a broken cache is a miss
            cached = None
        if cached is not None:
            return cached, "", True
        try:
            result = self._render(job.request)
            self.renders += 1
            if not np.all(np.isfinite(result.audio)):
                raise ValueError("The voice returned invalid audio (NaN) for this segment")
        except Exception as exc:  # noqa: BLE001 - any failure marks this segment only
            return None, failure_reason(exc), False
        try:
            self.cache.put(key, result)
        except Exception:  # noqa: BLE001 - not cached costs a re-render later, not this result
            pass
        return result, "", False
