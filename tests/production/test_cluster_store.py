"""Issue 26: the catalogue's store is content-addressed by the editor's render keys, in the render cache's own
layout and format, written atomically, on a folder or (through fsspec) any URL."""

import numpy as np
import pytest

from studio.engine.render.cache import RenderCache
from studio.engine.voices.backbone import RenderResult
from studio.production.cluster.store import Store

KEY = "ab" + "0" * 62
RESULT = RenderResult(np.linspace(-0.5, 0.5, 480, dtype=np.float32), 24000, (0, 100, 480), ("a note",))


def same(a: RenderResult, b: RenderResult) -> bool:
    return (np.array_equal(a.audio, b.audio) and a.sample_rate == b.sample_rate and a.boundaries == b.boundaries
            and a.notes == b.notes)


@pytest.mark.parametrize("where", ["folder", "memory://studio-store-test"])
def test_put_then_get_round_trips_and_leaves_no_temporary_file(tmp_path, where):
    store = Store(tmp_path / "s" if where == "folder" else where)
    assert not store.has(KEY)
    with pytest.raises(KeyError):
        store.get(KEY)
    store.put(KEY, RESULT)
    assert store.has(KEY) and same(store.get(KEY), RESULT)
    if where == "folder":
        assert [p.name for p in (tmp_path / "s").rglob("*") if p.is_file()] == [f"{KEY}.npz"]


def test_a_store_folder_is_a_render_cache_folder(tmp_path):
    Store(tmp_path).put(KEY, RESULT)
    assert same(RenderCache(tmp_path).get(KEY), RESULT)
    RenderCache(tmp_path).put("cd" + "1" * 62, RESULT)
    assert same(Store(tmp_path).get("cd" + "1" * 62), RESULT)


def test_a_damaged_entry_is_a_miss(tmp_path):
    store = Store(tmp_path)
    store.put(KEY, RESULT)
    (tmp_path / KEY[:2] / f"{KEY}.npz").write_bytes(b"half an entry")
    with pytest.raises(KeyError):
        store.get(KEY)
