"""The render cache: same request hash, same audio. Memory first (LRU), then disk, else a render.

The disk cache lives in the user's cache folder and survives restarts and undo: an undone edit plays at once.
Entries are written atomically (temp file, rename) so a crash never leaves a half entry under a real key, and
the folder is kept under a size cap by deleting the least recently used entries.
"""

from __future__ import annotations

import io
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from studio.engine.voices.backbone import RenderResult

DEFAULT_MEMORY_BYTES = 512 * 2**20
DEFAULT_DISK_BYTES = 2 * 2**30
MAX_ENTRY_BYTES = 1 * 2**30  # larger than any segment's render: a file this big is not ours

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "speech-studio" / "renders"


def encode(result: RenderResult) -> bytes:
    """An entry's bytes (.npz): the disk cache's format, and the cluster store's (production.cluster.store)."""
    buf = io.BytesIO()
    np.savez(buf, audio=result.audio.astype(np.float32), boundaries=np.asarray(result.boundaries, dtype=np.int64),
             sample_rate=np.int64(result.sample_rate), notes=np.asarray(result.notes, dtype=str))
    return buf.getvalue()


def decode(data: bytes) -> RenderResult:
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        result = RenderResult(audio=np.asarray(z["audio"], dtype=np.float32), sample_rate=int(z["sample_rate"]),
                              boundaries=tuple(int(b) for b in z["boundaries"]),
                              notes=tuple(str(n) for n in z["notes"]))
    if result.audio.ndim != 1 or result.sample_rate <= 0 or not result.boundaries:
        raise ValueError("not a render")
    return result


class RenderCache:
    def __init__(self, folder: Path | None = None, memory_bytes: int = DEFAULT_MEMORY_BYTES,
                 disk_bytes: int = DEFAULT_DISK_BYTES):
        self.folder = Path(folder) if folder is not None else None
        self.memory_bytes, self.disk_bytes = memory_bytes, disk_bytes
        self._memory: OrderedDict[str, RenderResult] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()
        self.hits_memory = self.hits_disk = self.misses = self.damaged = 0
        self._warned: set[str] = set()  # log each kind of trouble once a session, not once per segment
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a read-only home: the memory cache still works
                self._warn("folder", f"render cache folder {self.folder} cannot be created ({exc}); "
                                     "renders are kept in memory only")

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning(message)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"

    def get(self, key: str) -> RenderResult | None:
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
                self.hits_memory += 1
                return hit
        if self.folder is not None:
            result = self._read(self._path(key))
            if result is not None:
                self.hits_disk += 1
                self._remember(key, result)
                return result
        self.misses += 1
        return None

    def contains(self, key: str) -> bool:
        """Whether `key` is probably cached, without reading it (a damaged file still counts until `get`)."""
        with self._lock:
            if key in self._memory:
                return True
        try:
            return self.folder is not None and self._path(key).is_file()
        except OSError:
            return False

    def _read(self, path: Path) -> RenderResult | None:
        """The entry at path, or None. A damaged entry (truncated by a crash or a full disk, overwritten by
        anything) is a miss whatever numpy or zipfile raise for it: it is deleted so that it is rendered and
        written again, and logged once."""
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None  # not there, or the folder went away: a plain miss
        try:
            if len(data) > MAX_ENTRY_BYTES:
                raise ValueError("too large")
            result = decode(data)
        except Exception as exc:  # noqa: BLE001 - EOFError, BadZipFile, zlib.error, ValueError, KeyError...
            self.damaged += 1
            self._warn("damaged", f"damaged render cache entry {path.name} ({type(exc).__name__}) deleted; "
                                  "it will be rendered again")
            try:
                path.unlink()
            except OSError:
                pass
            return None
        try:
            os.utime(path)  # recency for eviction
        except OSError:
            pass
        return result

    def put(self, key: str, result: RenderResult) -> None:
        self._remember(key, result)
        if self.folder is None:
            return
        path = self._path(key)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # again: the folder may be deleted while we run
            tmp.write_bytes(encode(result))
            os.replace(tmp, path)
        except Exception as exc:  # noqa: BLE001 - a full, read-only or vanished folder costs a re-render, never the session
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            self._warn("write", f"render cache entry not written to {self.folder} ({exc}); "
                                "renders are kept in memory")
            return
        try:
            self._evict_disk()
        except OSError:
            pass

    def _remember(self, key: str, result: RenderResult) -> None:
        size = result.audio.nbytes
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return
            self._memory[key] = result
            self._used += size
            while self._used > self.memory_bytes and len(self._memory) > 1:
                _, old = self._memory.popitem(last=False)
                self._used -= old.audio.nbytes

    def _evict_disk(self) -> None:
        entries = []
        total = 0
        for path in self.folder.glob("*/*.npz"):
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, path))
            total += st.st_size
        if total <= self.disk_bytes:
            return
        for _, size, path in sorted(entries):
            path.unlink(missing_ok=True)
            total -= size
            if total <= self.disk_bytes * 0.9:  # leave headroom so every put does not rescan
                break

    def clear_memory(self) -> None:
        with self._lock:
            self._memory.clear()
            self._used = 0
