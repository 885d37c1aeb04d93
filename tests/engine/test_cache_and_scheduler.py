"""Render cache and the engine worker: cache hits after undo and restart, newest request wins, no stale audio."""

import random
import threading
import time

import numpy as np
import pytest

from studio.core.commands import SetPhonemes, set_emotion
from studio.core.history import History
from studio.core.model import Emotion
from studio.core.script import parse_script
from studio.production.importing import build_project
from studio.engine.voices.backbone import RenderResult, request_for
from studio.engine.render.cache import RenderCache
from studio.engine.render.pipeline import render_request, render_segment
from studio.engine.render.scheduler import RenderScheduler, State
from studio.engine.voices.registry import VoiceRegistry


@pytest.fixture
def doc():
    registry = VoiceRegistry()
    project = build_project(parse_script("A: Hello there, my friend.\nB: The rain has stopped at last."),
                            registry, speakers=["en-us", "en+f3"])
    return registry, project, History(project)


def requester(registry, project):
    def request(seg):
        return request_for(project, seg, registry.backbone(project.track(seg.track_id).voice))
    return request


def renderer(registry):
    def render(req):
        from studio.core.model import VoiceRef
        return render_request(registry.backbone(VoiceRef(req.backbone, req.model)), req)
    return render


def test_disk_cache_survives_a_restart_and_evicts_the_oldest(tmp_path):
    result = RenderResult(np.linspace(-1, 1, 22050, dtype=np.float32), 22050, (0, 100, 22050), ("a note",))
    cache = RenderCache(tmp_path, memory_bytes=10**9, disk_bytes=10**9)
    cache.put("ab" * 32, result)
    fresh = RenderCache(tmp_path)
    got = fresh.get("ab" * 32)
    assert np.array_equal(got.audio, result.audio) and got.boundaries == result.boundaries and got.notes == ("a note",)
    assert fresh.hits_disk == 1
    small = RenderCache(tmp_path, disk_bytes=3 * 90_000)
    for i in range(6):
        small.put(f"{i:02d}" + "c" * 62, result)
        time.sleep(0.01)
    files = sorted(p.name for p in tmp_path.glob("*/*.npz"))
    assert len(files) <= 3 and f"05{'c' * 62}.npz" in files
    assert not list(tmp_path.glob("*/*.tmp"))


def _damages(data: bytes) -> dict[str, bytes]:
    return {"garbage": b"garbage", "empty": b"", "truncated": data[:len(data) // 2], "header only": data[:40],
            "flipped": data[:200] + bytes(b ^ 0xFF for b in data[200:400]) + data[400:],
            "zip of nothing": b"PK\x05\x06" + b"\0" * 18}


@pytest.mark.parametrize("damage", list(_damages(b"x" * 1000)))
def test_a_damaged_disk_entry_is_a_miss_deleted_and_logged_once(tmp_path, damage, caplog):
    result = RenderResult(np.linspace(-1, 1, 4000, dtype=np.float32), 22050, (0, 100, 4000))
    cache = RenderCache(tmp_path)
    cache.put("de" * 32, result)
    path = tmp_path / "de" / f"{'de' * 32}.npz"
    bad = _damages(path.read_bytes())[damage]
    for key in ("de" * 32, "df" * 32):
        (tmp_path / key[:2]).mkdir(exist_ok=True)
        (tmp_path / key[:2] / f"{key}.npz").write_bytes(bad)
    fresh = RenderCache(tmp_path)
    with caplog.at_level("WARNING"):
        assert fresh.get("de" * 32) is None and fresh.get("df" * 32) is None
    assert not path.exists() and fresh.damaged == 2
    assert len([r for r in caplog.records if "damaged render cache entry" in r.getMessage()]) == 1
    fresh.put("de" * 32, result)  # rendered again, written again
    assert RenderCache(tmp_path).get("de" * 32) is not None


def test_a_read_only_or_deleted_cache_folder_costs_renders_not_the_session(tmp_path):
    import shutil

    result = RenderResult(np.zeros(100, np.float32), 22050, (0, 100))
    folder = tmp_path / "cache"
    cache = RenderCache(folder)
    shutil.rmtree(folder)  # deleted while the app runs
    cache.put("aa" * 32, result)
    assert RenderCache(folder).get("aa" * 32) is not None  # written again into a recreated folder
    # Unwritable (works as root too, where permission bits are not enforced): a file stands where the folder goes.
    (tmp_path / "blocked").write_text("a file, not a folder")
    for ro in (RenderCache(tmp_path / "blocked" / "cache"), cache):
        if ro is cache:
            shutil.rmtree(folder)
            folder.write_text("a file now")
        ro.put("bb" * 32, result)
        assert ro.get("bb" * 32) is not None  # kept in memory
        assert ro.get("cc" * 32) is None


def test_a_full_disk_cache_keeps_rendering(tmp_path, monkeypatch):
    from pathlib import Path

    def full(self, data):
        raise OSError(28, "No space left on device")
    cache = RenderCache(tmp_path)
    monkeypatch.setattr(Path, "write_bytes", full)
    cache.put("ee" * 32, RenderResult(np.zeros(100, np.float32), 22050, (0, 100)))
    assert cache.get("ee" * 32) is not None and not list(tmp_path.glob("*/*"))


def test_the_worker_survives_damaged_entries_and_a_cache_that_raises(doc, tmp_path):
    """The renderer of the editor: a damaged entry under a segment's key is rendered again, and even a cache
    whose get raises does not end the worker thread."""
    registry, project, _ = doc
    request = requester(registry, project)
    a, b = project.segments
    scheduler = RenderScheduler(renderer(registry), RenderCache(tmp_path), debounce_s=0.0)
    scheduler.submit(a.id, request(a))
    assert scheduler.wait_idle(30)
    key = request(a).key()
    entry = tmp_path / key[:2] / f"{key}.npz"
    entry.write_bytes(entry.read_bytes()[:100])
    scheduler.cache.clear_memory()
    scheduler.submit(a.id, request(a))
    assert scheduler.wait_idle(30) and scheduler.status(a.id).state is State.READY
    assert scheduler.renders == 2 and scheduler.cache.damaged == 1

    def broken(key):
        raise EOFError("the cache broke")
    scheduler.cache.get = broken
    scheduler.submit(b.id, request(b))
    assert scheduler.wait_idle(30) and scheduler.status(b.id).state is State.READY
    assert scheduler._thread.is_alive()
    scheduler.close()


def test_an_undone_edit_is_a_cache_hit(doc, tmp_path):
    registry, project, history = doc
    request = requester(registry, project)
    scheduler = RenderScheduler(renderer(registry), RenderCache(tmp_path), debounce_s=0.0)
    seg = project.segments[0]
    scheduler.submit(seg.id, request(seg))
    assert scheduler.wait_idle(30)
    history.push(SetPhonemes(seg.id, [1], "pitch_st", [3.0]))
    scheduler.submit(seg.id, request(seg))
    assert scheduler.wait_idle(30)
    renders = scheduler.renders
    history.undo()
    scheduler.submit(seg.id, request(seg))
    assert scheduler.wait_idle(30)
    assert scheduler.renders == renders and scheduler.status(seg.id).from_cache
    scheduler.close()


def test_200_rapid_edits_end_in_the_final_documents_audio(doc, tmp_path):
    registry, project, history = doc
    request = requester(registry, project)
    scheduler = RenderScheduler(renderer(registry), RenderCache(tmp_path), debounce_s=0.02)
    seen = []
    scheduler.subscribe(lambda seg, status: seen.append((seg, status.state)))
    history.subscribe(lambda touched: [scheduler.submit(s, request(project.segment(s))) for s in touched])
    rng = random.Random(7)
    for i in range(200):
        seg = rng.choice(project.segments)
        n = len(seg.phonemes())
        if i % 50 == 49:
            history.push(set_emotion(seg.id, Emotion(rng.choice(["happy", "sad", "neutral"]), rng.uniform(0, 2))))
        else:
            field, value = rng.choice([("pitch_st", rng.uniform(-6, 6)), ("energy_db", rng.uniform(-6, 6)),
                                       ("duration_scale", rng.uniform(0.5, 2))])
            history.push(SetPhonemes(seg.id, [rng.randrange(n)], field, [value]))
        if rng.random() < 0.1:
            history.undo()
    assert scheduler.wait_idle(120), "the worker did not settle: deadlock or runaway"
    assert scheduler.renders < 200  # debounce and newest-wins coalesced the storm
    for seg in project.segments:
        status = scheduler.status(seg.id)
        assert status.state is State.READY
        clean = render_segment(project, seg, VoiceRegistry())
        got = scheduler.result(seg.id)
        assert np.array_equal(got.audio, clean.audio) and got.boundaries == clean.boundaries
    assert any(state is State.RENDERING for _, state in seen)
    scheduler.close()


def test_the_segment_nearest_the_playhead_renders_first(doc, tmp_path):
    registry, project, _ = doc
    request = requester(registry, project)
    order = []
    gate = threading.Event()

    def render(req):
        gate.wait(5)
        order.append(req.text)
        return renderer(registry)(req)
    scheduler = RenderScheduler(render, RenderCache(tmp_path), debounce_s=0.0)
    a, b = project.segments
    scheduler.submit(a.id, request(a), priority=10.0)
    scheduler.submit(b.id, request(b), priority=0.0)
    gate.set()
    assert scheduler.wait_idle(30)
    assert order == [b.text, a.text]
    scheduler.close()


@pytest.mark.parametrize("fault, phrase", [(RuntimeError("CUDA out of memory"), "ran out of memory"),
                                           (ValueError("the model exploded"), "the model exploded."),
                                           ("nan", "invalid audio (NaN)")])
def test_a_failing_render_marks_only_its_segment(doc, tmp_path, fault, phrase):
    registry, project, _ = doc
    request = requester(registry, project)
    bad, good = project.segments
    real = renderer(registry)

    def render(req):
        if req.text == bad.text:
            if fault == "nan":
                r = real(req)
                return RenderResult(np.full_like(r.audio, np.nan), r.sample_rate, r.boundaries)
            raise fault
        return real(req)
    scheduler = RenderScheduler(render, RenderCache(tmp_path), debounce_s=0.0)
    scheduler.submit(bad.id, request(bad))
    scheduler.submit(good.id, request(good))
    assert scheduler.wait_idle(30)
    assert scheduler.status(bad.id).state is State.FAILED and phrase in scheduler.status(bad.id).reason
    assert scheduler.status(good.id).state is State.READY and scheduler.result(bad.id) is None
    scheduler.close()


def _fake_request(i: int):
    from studio.engine.voices.backbone import RenderRequest

    return RenderRequest("fake", "m", "1", f"segment {i}", (), ())


def _fake_render(req):
    return RenderResult(audio=np.zeros(10, np.float32), sample_rate=22050, boundaries=(0, 10))


def test_stale_segments_go_to_prefill_in_growing_batches_nearest_first(tmp_path):
    batches = []
    scheduler = RenderScheduler(_fake_render, RenderCache(tmp_path), debounce_s=0.05,
                                prefill=lambda reqs: batches.append([r.text for r in reqs]))
    for i in range(20):  # priority = distance to the playhead: segment 0 is nearest
        scheduler.submit(f"s{i}", _fake_request(i), priority=float(i))
    assert scheduler.wait_idle(10)
    sizes = [len(b) for b in batches]
    assert sizes[0] == 2, "the first batch is small so that playback can start at once"
    assert sizes[:3] == [2, 4, 8]
    flat = [t for b in batches for t in b]
    assert flat == [f"segment {i}" for i in range(20)], "each segment is batched once, nearest the playhead first"
    assert scheduler.renders == 20 and scheduler.batches == sizes
    scheduler.close()


def test_a_failing_prefill_leaves_the_segments_to_single_renders(tmp_path):
    def broken(reqs):
        raise RuntimeError("CUDA out of memory")
    scheduler = RenderScheduler(_fake_render, RenderCache(tmp_path), debounce_s=0.05, prefill=broken)
    for i in range(5):
        scheduler.submit(f"s{i}", _fake_request(i), priority=float(i))
    assert scheduler.wait_idle(10)
    assert all(scheduler.status(f"s{i}").state is State.READY for i in range(5))
    assert scheduler.batches == []
    scheduler.close()


def test_cached_segments_are_not_batched_again(tmp_path):
    cache = RenderCache(tmp_path)
    for i in range(0, 6, 2):
        cache.put(_fake_request(i).key(), _fake_render(None))
    batches = []
    scheduler = RenderScheduler(_fake_render, cache, debounce_s=0.05,
                                prefill=lambda reqs: batches.append([r.text for r in reqs]))
    for i in range(6):
        scheduler.submit(f"s{i}", _fake_request(i), priority=float(i))
    assert scheduler.wait_idle(10)
    # Segment 5 is left alone in the end, and one segment is no batch.
    assert batches == [["segment 1", "segment 3"]]
    assert scheduler.renders == 3
    scheduler.close()
