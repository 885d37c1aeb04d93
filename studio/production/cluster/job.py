"""`studio batch`: a catalogue rendered on Ray, line by line, through the store, then assembled input by input.

1. The driver expands each input into its render requests (production.cluster.plan), in the same process and
   with the same casting as `studio render` on this machine, and drops the keys already in the store.
2. The remaining lines go in small chunks to a pool of actors (production.cluster.actors), two chunks queued
   per actor so none waits on the driver; each result is written into the store under its key.
3. When every line of an input is stored or has failed, its assembly (production.cluster.assemble) runs as a
   task of its own and writes the input's folder whole.
Rendering starts as soon as the first input is expanded: expansion, rendering and assembly overlap.
Everything done is in the store, so a job killed and run again renders only what is missing.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from studio.core.errors import UserError
from studio.engine.render.scheduler import failure_reason

from studio.production.cluster.actors import Done, pool
from studio.production.cluster.assemble import assemble
from studio.production.cluster.manifest import Item
from studio.production.cluster.plan import Plan, Settings, expand, settings_for
from studio.production.cluster.progress import Progress
from studio.production.cluster.store import Store
from studio.production.credentials.sign import Signing

CPU_CHUNK = 2  # lines per actor call on a CPU: small, so the pool stays balanced and progress is fine-grained
QUEUED_PER_ACTOR = 2
REPORT = "batch-report.json"


@dataclass
class Config:
    out_dir: Path
    store: str  # a folder or fsspec URL every node sees (default: OUT_DIR/.store)
    defaults: dict[str, str | None] = field(default_factory=dict)
    device: str = "cpu"
    actors: int | None = None  # default: one per CPU (per GPU with --device cuda) of the cluster
    cpus_per_actor: int = 1
    signing: Signing | None = None  # content credentials on every WAV written (None: off)
    hook: Callable | None = None  # tests: called in the actor before each render (see actors.LineRenderer)


@dataclass
class _Input:
    item: Item
    plan: Plan | None = None
    error: str = ""
    waiting: set[str] = field(default_factory=set)
    renders: int = 0
    cached: int = 0
    started: float = 0.0
    finished: float = 0.0
    summary: dict | None = None


def _actor_count(config: Config) -> int:
    import ray

    resources = ray.cluster_resources()
    if config.device == "cuda":
        if resources.get("GPU", 0) < 1:
            raise UserError("The Ray cluster has no GPU, so --device cuda has nowhere to run; leave --device out "
                            "to render on the CPUs, or add GPU nodes.")
        return config.actors or int(resources["GPU"])
    return config.actors or max(1, int(resources.get("CPU", 1)) // config.cpus_per_actor)


def run(items: list[Item], config: Config, progress: Progress | None = None) -> dict:
    """Render the catalogue; the summary (also written to OUT_DIR/batch-report.json)."""
    import ray

    from studio.engine.voices.registry import VoiceRegistry

    store = Store(config.store)
    progress = progress or Progress(len(items))
    registry = VoiceRegistry(device=config.device)
    gpu = config.device == "cuda"
    actors = pool(_actor_count(config), store, config.device, config.cpus_per_actor, 1 if gpu else 0, config.hook)
    load = {i: 0 for i in range(len(actors))}
    lines_by = [0] * len(actors)  # lines each actor rendered (placement in the summary)
    calls_by = [0] * len(actors)  # calls each actor answered, retries after a restart included
    chunk_size = 64 if gpu else CPU_CHUNK  # a GPU renders a slice in padded batches (pipeline.BATCH_SLICE)
    assemble_remote = ray.remote(assemble).options(num_cpus=0, max_retries=3)
    inputs = [_Input(item) for item in items]
    queue: deque[tuple[list, dict]] = deque()  # (chunk of (key, request), designs)
    waiting_on: dict[str, list[_Input]] = {}  # key -> inputs that wait for it
    first_of: dict[str, _Input] = {}  # key -> the input whose render it counts as
    failures: dict[str, str] = {}
    inflight: dict = {}  # ref -> (actor index, chunk, designs)
    assembling: dict = {}  # ref -> _Input
    todo = deque(inputs)
    model_calls = 0

    def start_assembly(inp: _Input) -> None:
        plan = inp.plan
        mine = {k: failures[k] for k in plan.keys.values() if k in failures}
        assembling[assemble_remote.remote(plan, mine, store, str(config.out_dir), config.signing)] = inp

    def expand_next() -> None:
        inp = todo.popleft()
        inp.started = time.time()
        try:
            settings: Settings = settings_for(inp.item, config.defaults)
            inp.plan = expand(inp.item, settings, registry)
        except (UserError, ValueError) as exc:
            inp.error = str(exc)
            progress.inputs_done += 1
            return
        except Exception as exc:  # noqa: BLE001 - a model that cannot load, a file that breaks a reader
            inp.error = f"{inp.item.input.name} could not be read ({failure_reason(exc)})"
            progress.inputs_done += 1
            return
        plan = inp.plan
        progress.lines += len(plan.script.project.segments)
        progress.failed += len(plan.failed)
        fresh = []
        for key, request in plan.requests.items():
            if key in failures:  # the same line already failed in an earlier input: it would fail again
                continue
            if key in waiting_on:  # queued by an earlier input of the catalogue
                waiting_on[key].append(inp)
                inp.waiting.add(key)
                inp.cached += 1
            elif store.has(key):
                inp.cached += 1
            else:
                waiting_on[key] = [inp]
                first_of[key] = inp
                inp.waiting.add(key)
                fresh.append((key, request))
        progress.failed += sum(1 for k in plan.keys.values() if k in failures)
        stored = [k for k in plan.keys.values() if k not in inp.waiting and k not in failures]  # per segment
        progress.cached += len(stored)
        progress.speech_s += sum(plan.seconds[k] for k in stored)
        for start in range(0, len(fresh), chunk_size):
            queue.append((fresh[start:start + chunk_size], plan.designs))
        if not inp.waiting:
            start_assembly(inp)

    def dispatch() -> None:
        while queue and load:
            i = min(load, key=load.get)
            if load[i] >= QUEUED_PER_ACTOR:
                return
            chunk, designs = queue.popleft()
            inflight[actors[i].render.remote(chunk, designs, gpu)] = (i, chunk, designs)
            load[i] += 1

    def settle(done: Done) -> None:
        nonlocal model_calls
        model_calls += done.rendered
        if done.failed:
            failures[done.key] = done.failed
        for inp in waiting_on.pop(done.key, []):
            n = sum(1 for k in inp.plan.keys.values() if k == done.key)
            if done.failed:
                progress.failed += n
            elif first_of.get(done.key) is inp:
                inp.renders += done.rendered
                progress.rendered += 1
                progress.cached += n - 1
            else:
                progress.cached += n
            progress.speech_s += done.seconds * n
            inp.waiting.discard(done.key)
            if not inp.waiting:
                start_assembly(inp)

    def lost(i: int, chunk: list, designs: dict) -> None:
        """Ray restarted actor i and retried the call RESTARTS times, and it died each time (or died for good
        with the call queued). A fresh actor takes its place; its lines are tried again one at a time, and a
        line that was on a dying actor twice fails: it is the one that kills the process."""
        nonlocal spare
        if load.pop(i, None) is not None and spare > 0:
            spare -= 1
            actors.append(pool(1, store, config.device, config.cpus_per_actor, 1 if gpu else 0, config.hook)[0])
            load[len(actors) - 1] = 0
            lines_by.append(0)
            calls_by.append(0)
        for key, request in chunk:
            deaths[key] = deaths.get(key, 0) + 1
            if deaths[key] >= 2 or not load:
                settle(Done(key, False, "The render process died on this line each time it was tried (out of "
                                        "memory, or a crash in the model); check the node's memory and logs."))
            else:
                queue.appendleft(([(key, request)], designs))

    spare = len(actors)  # fresh actors to start in place of ones that died for good
    deaths: dict[str, int] = {}
    while todo or queue or inflight or assembling:
        expanding = bool(todo) and len(queue) < QUEUED_PER_ACTOR * max(1, len(load))
        if expanding:
            expand_next()
        dispatch()
        if queue and not load and not inflight:  # no actor is left to render what is queued
            stranded = list(queue)
            queue.clear()
            for chunk, designs in stranded:
                lost(-1, chunk, designs)
        refs = list(inflight) + list(assembling)
        if not refs:
            continue
        ready, _ = ray.wait(refs, num_returns=1, timeout=0 if expanding else 1.0)
        for ref in ready:
            if ref in assembling:
                inp = assembling.pop(ref)
                try:
                    inp.summary = ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - one input's assembly must not stop the catalogue
                    inp.summary = {"failures": [], "error": f"its assembly failed ({str(exc).splitlines()[-1]})."}
                inp.finished = time.time()
                progress.inputs_done += 1
                continue
            i, chunk, designs = inflight.pop(ref)
            if i in load:
                load[i] -= 1
            try:
                results = ray.get(ref)
            except ray.exceptions.RayActorError:
                lost(i, chunk, designs)
                continue
            calls_by[i] += 1
            lines_by[i] += sum(d.rendered for d in results)
            for d in results:
                settle(d)
        progress.show()
    progress.finish()
    placement = []
    for i, actor in enumerate(actors):
        try:
            row = ray.get(actor.where.remote(), timeout=30)
        except Exception:  # noqa: BLE001 - a dead actor has no place to report
            row = {"node": None}
        placement.append({**row, "lines": lines_by[i], "calls": calls_by[i], "alive": i in load})
        ray.kill(actor)  # its CPUs (and the voice it holds) go back to the cluster now, not at garbage collection
    return _summary(inputs, model_calls, progress, config.out_dir, placement)


def _summary(inputs: list[_Input], model_calls: int, progress: Progress, out_dir: Path,
             placement: list[dict]) -> dict:
    rows = []
    for inp in inputs:
        row = {"input": str(inp.item.input), "name": inp.item.name}
        if inp.error:
            row.update(error=inp.error, lines=0, renders=0, cache_hits=0, failures=[])
        else:
            s = inp.summary or {}
            row.update(lines=len(inp.plan.script.project.segments), renders=inp.renders, cache_hits=inp.cached,
                       failures=s.get("failures", []), notes=s.get("notes", []),
                       seconds_of_speech=round(s.get("seconds_of_speech", 0.0), 3),
                       seconds=round((inp.finished or time.time()) - inp.started, 3),
                       mix_loudness=s.get("mix_loudness", ""), did_not_fit=s.get("did_not_fit", False))
            if s.get("error"):
                row["error"] = s["error"]
        rows.append(row)
    summary = {"inputs": rows, "lines": progress.lines, "rendered": progress.rendered, "cached": progress.cached,
               "failed": progress.failed, "model_calls": model_calls,
               "hours_of_speech": round(progress.speech_s / 3600, 4),
               "seconds": round(time.time() - progress.started, 3), "actors": placement}
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{REPORT}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out_dir / REPORT)
    return summary


def connect(address: str | None, cpus: int | None = None) -> bool:
    """Join the cluster at `address` (or RAY_ADDRESS), or start an embedded runtime on this machine's cores.
    True when this call started Ray (and the caller shuts it down). Raises UserError when the address cannot
    be reached."""
    import logging

    import ray

    if ray.is_initialized():  # a caller (a test, a notebook) already connected
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            # Workers' own logs stay in Ray's session folder: what goes wrong in them comes back as results,
            # and stdout stays clean for --json.
            ray.init(num_cpus=cpus or os.cpu_count() or 1, include_dashboard=False,
                     logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UserError(f"Ray could not connect to {address or 'a local runtime'} ({str(exc).splitlines()[0]}); "
                        "check the address (ray start --head prints it) or leave --ray out to run here.") from None
    return True
