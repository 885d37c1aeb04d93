"""The editor's bridge to the engine worker: document changes in, audio and render states out as Qt signals.

The GUI thread only builds frozen requests (cheap) and calls `submit`, which never blocks. The worker thread's
callbacks are turned into queued Qt signals, so widgets only ever change on the GUI thread. Voices that need a
model load (Coqui) are loaded on a background thread first; their segments render when the model is there.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.core.model import VoiceRef
from studio.core.timeline import layout
from studio.engine.voices.backbone import RenderResult, for_editing, request_for
from studio.engine.render.cache import RenderCache, default_cache_dir
from studio.engine.render.pipeline import prefill_where_it_pays, render_request
from studio.engine.render.scheduler import RenderScheduler, State, Status

from studio.ui.document import Document

LOAD_DELAY_MS = 300  # after a project opens, before a neural voice starts loading (see _ready_backbone)


class RenderController(QObject):
    status_changed = Signal(str, object)  # segment id, Status (queued from the worker thread)
    voice_failed = Signal(str)  # one sentence: a model could not be loaded
    voice_ready = Signal(object)  # VoiceRef: a voice finished loading (its speakers can now be listed)
    _voice_loaded = Signal(object)  # VoiceRef, from the loader thread

    def __init__(self, document: Document, cache: RenderCache | None = None, debounce_s: float = 0.08,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.cache = cache if cache is not None else RenderCache(default_cache_dir())
        # On a GPU the worker batches the most urgent stale segments (engine.render.prefill_where_it_pays);
        # on a CPU the hook does nothing and segments render one at a time.
        self.scheduler = RenderScheduler(self._render, self.cache, debounce_s,
                                         prefill=lambda requests: prefill_where_it_pays(document.voices, requests))
        self.scheduler.subscribe(lambda seg, status: self.status_changed.emit(seg, status))
        self.playhead = 0.0
        self._loading: set[tuple[str, str]] = set()
        self._waiting: set[str] = set()
        self._requests: dict[str, tuple[int, object]] = {}  # segment id -> (generation, request) last submitted
        self._voice_loaded.connect(self._on_voice_loaded)
        document.changed.connect(self.on_changed)
        document.reset.connect(self.render_all)

    def _render(self, request) -> RenderResult:
        backbone = self.document.voices.backbone(VoiceRef(request.backbone, request.model))
        return render_request(backbone, request)

    def close(self) -> None:
        self.scheduler.close()

    # ---- requests -----------------------------------------------------------------------------------------
    def _ready_backbone(self, voice: VoiceRef):
        """The backbone if it is loaded (or cheap to load), else None and a background load is started."""
        ready = self.document.voices.ready(voice)
        if ready is not None:
            return ready
        key = (voice.backbone, voice.model)
        if key not in self._loading:
            self._loading.add(key)
            # Importing torch holds the interpreter for a second or two even on a worker thread, so the load
            # starts once the window has painted rather than while a project is opening.
            QTimer.singleShot(LOAD_DELAY_MS, lambda: threading.Thread(target=self._load, args=(voice,),
                                                                      daemon=True).start())
        return None

    def _load(self, voice: VoiceRef) -> None:
        try:
            self.document.voices.backbone(voice)
        except Exception as exc:  # noqa: BLE001 - the user gets one sentence
            self.voice_failed.emit(str(exc))
        self._voice_loaded.emit(voice)

    @Slot(object)
    def _on_voice_loaded(self, voice: VoiceRef) -> None:
        self._loading.discard((voice.backbone, voice.model))
        waiting, self._waiting = self._waiting, set()
        self.submit(waiting)
        self.voice_ready.emit(voice)

    def submit(self, segment_ids) -> None:
        project = self.document.project
        starts = {p.segment_id: p.start for p in layout(project)}
        for seg_id in segment_ids:
            try:
                seg = project.segment(seg_id)
            except KeyError:
                self.scheduler.forget(seg_id)
                continue
            backbone = self._ready_backbone(project.track(seg.track_id).voice)
            if backbone is None:
                self._waiting.add(seg_id)
                continue
            try:
                # While editing, a voice that can re-render only what an edit changed does so; exports render whole.
                request = for_editing(request_for(project, seg, backbone, self.document.lexicon()), backbone)
            except ValueError as exc:
                self.status_changed.emit(seg_id, Status(State.FAILED, 0, str(exc)))
                continue
            generation = self.scheduler.submit(seg_id, request, priority=abs(starts.get(seg_id, 0.0) - self.playhead))
            self._requests[seg_id] = (generation, request)

    @Slot(set)
    def on_changed(self, touched: set) -> None:
        self.submit(touched)

    @Slot()
    def render_all(self) -> None:
        self.submit([s.id for s in self.document.project.segments])

    def set_playhead(self, seconds: float) -> None:
        self.playhead = seconds
        starts = {p.segment_id: p.start for p in layout(self.document.project)}
        self.scheduler.reprioritize({k: abs(v - seconds) for k, v in starts.items()})

    def request(self, segment_id: str, generation: int):
        """The request submitted for the segment as `generation`, or None if a newer one replaced it."""
        held = self._requests.get(segment_id)
        return held[1] if held is not None and held[0] == generation else None

    def current_key(self, segment_id: str) -> str | None:
        """The render key of the segment's newest request (None before any)."""
        held = self._requests.get(segment_id)
        return held[1].key() if held is not None else None

    def result(self, segment_id: str) -> RenderResult | None:
        return self.scheduler.result(segment_id)

    def status(self, segment_id: str) -> Status | None:
        return self.scheduler.status(segment_id)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        return self.scheduler.wait_idle(timeout) and not self._loading
