"""The actors that render lines: each loads its voices once and writes every result into the store.

An actor is a Ray actor process holding a VoiceRegistry (voices load on first use and stay). Torch in it uses as
many threads as Ray gave it CPUs: several torch processes each taking every core of a machine ran a render seven
times slower here. On a GPU node an actor holds one GPU and renders a chunk in padded batches, as
`studio render --device cuda` does (engine.render.pipeline.render_many); on a CPU node one line at a time.

A line that raises (bad text, a model error) is reported as failed and not retried: it would fail again. A dying
actor process is restarted by Ray and the chunk retried (max_restarts, max_task_retries); lines a dead actor
already stored are found in the store and not rendered twice.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np

from studio.core.model import VoiceRef
from studio.engine.render.pipeline import prefill, render_request
from studio.engine.render.scheduler import failure_reason
from studio.engine.voices.backbone import RenderRequest

from studio.production.cluster.store import Store

RESTARTS = 3  # a node lost or a process killed this many times before the chunk's lines count as failed


@dataclass(frozen=True)
class Done:
    """What happened to one line of a chunk."""

    key: str
    rendered: bool  # False: found in the store (a retry after another actor wrote it)
    failed: str = ""  # why it failed, where it did
    seconds: float = 0.0  # length of the rendered audio


class LineRenderer:
    """The actor's body (plain Python, so that it can be tested and wrapped without Ray).

    `hook`, where given, is called with each request just before its render: tests use it to kill the process or
    fail a line, as a real fault would."""

    def __init__(self, store: Store, device: str = "cpu", threads: int = 1,
                 hook: Callable[[RenderRequest], None] | None = None):
        from studio.engine.voices.registry import VoiceRegistry

        self.threads = max(1, threads)
        os.environ["OMP_NUM_THREADS"] = str(self.threads)  # for libraries that read it when they load
        self.store, self.hook = store, hook
        self.registry = VoiceRegistry(device=device)
        self.model_calls = 0  # renders this process ran (a restarted actor counts again from 0)

    def render(self, chunk: list[tuple[str, RenderRequest]], designs: dict | None = None,
               batched: bool = False) -> list[Done]:
        if designs:
            self.registry.use_designs(designs)
        todo, out = [], []
        for key, request in chunk:
            if self.store.has(key):
                out.append(Done(key, False))
            else:
                todo.append((key, request))
        if batched and len(todo) > 1:
            self._prefill([r for _, r in todo])
        for key, request in todo:
            out.append(self._one(key, request))
        return out

    def _prefill(self, requests: list[RenderRequest]) -> None:
        groups: dict[tuple[str, str], list[RenderRequest]] = {}
        for r in requests:
            groups.setdefault((r.backbone, r.model), []).append(r)
        for (family, model), group in groups.items():
            try:
                prefill(self.registry.backbone(VoiceRef(family, model)), group)
            except Exception:  # noqa: BLE001 - each line is rendered (and its failure named) one by one next
                continue

    def _one(self, key: str, request: RenderRequest) -> Done:
        try:
            if self.hook is not None:
                self.hook(request)
            backbone = self.registry.backbone(VoiceRef(request.backbone, request.model))
            self._limit_threads()
            self.model_calls += 1
            result = render_request(backbone, request)
            if not np.all(np.isfinite(result.audio)):
                raise ValueError("The voice returned invalid audio (NaN) for this segment")
        except Exception as exc:  # noqa: BLE001 - one failed line must not stop the catalogue
            return Done(key, True, failure_reason(exc))
        self.store.put(key, result)
        return Done(key, True, seconds=result.duration)

    def _limit_threads(self) -> None:
        """Torch's threads to the actor's CPUs, once a voice has brought torch in (the embedded voice does not:
        its actors start without importing it)."""
        torch = sys.modules.get("torch")
        if torch is not None and torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)

    def calls(self) -> int:
        return self.model_calls

    def where(self) -> dict:
        """Where Ray placed this actor: its node and process (for the summary's placement)."""
        import socket

        import ray

        return {"node": ray.get_runtime_context().get_node_id()[:12], "host": socket.gethostname(),
                "pid": os.getpid(), "gpus": [str(g) for g in ray.get_gpu_ids()]}


def pool(n: int, store: Store, device: str, cpus: float, gpus: float, hook=None) -> list:
    """n actors on the cluster, each with `cpus` CPUs (its torch threads) and `gpus` GPUs."""
    import ray

    remote = ray.remote(LineRenderer).options(num_cpus=cpus, num_gpus=gpus, max_restarts=RESTARTS,
                                              max_task_retries=RESTARTS, max_concurrency=1)
    return [remote.remote(store, device, max(1, int(cpus)), hook) for _ in range(n)]
