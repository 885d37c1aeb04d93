"""The catalogue's content-addressed store of line renders: one file per RenderRequest key, on a shared folder.

The layout and the file format are the editor's disk cache's (engine.render.cache: `KEY[:2]/KEY.npz`), so a
store can be opened as a render cache and the other way round. Every node reads and writes the same folder: a
shared file system (NFS, a mounted bucket), or, with fsspec, any URL it opens (s3://, gs://, memory://). A
result is written to a temporary name and then renamed, so a reader never finds half an entry under a key.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from studio.engine.render.cache import decode, encode
from studio.engine.voices.backbone import RenderResult


def _is_url(root: str) -> bool:
    return "://" in root and not root.startswith("file://")


class Store:
    def __init__(self, root: str | Path):
        self.root = str(root).removeprefix("file://")
        self._fs = None
        if _is_url(self.root):
            import fsspec  # optional: only for object stores

            self._fs, self.root = fsspec.core.url_to_fs(self.root)

    def __reduce__(self):  # actors and tasks get the location, not an open file system
        return Store, (self.url,)

    @property
    def url(self) -> str:
        if self._fs is None:
            return self.root
        protocol = self._fs.protocol if isinstance(self._fs.protocol, str) else self._fs.protocol[0]
        return f"{protocol}://{self.root}"

    def path(self, key: str) -> str:
        return f"{self.root}/{key[:2]}/{key}.npz"

    def has(self, key: str) -> bool:
        if self._fs is not None:
            return self._fs.exists(self.path(key))
        return os.path.isfile(self.path(key))

    def get(self, key: str) -> RenderResult:
        """The result under key; raises KeyError when it is missing or damaged (it must be rendered again)."""
        try:
            if self._fs is not None:
                data = self._fs.cat_file(self.path(key))
            else:
                data = Path(self.path(key)).read_bytes()
            return decode(data)
        except Exception as exc:  # noqa: BLE001 - missing, truncated or foreign: a miss either way
            raise KeyError(key) from exc

    def put(self, key: str, result: RenderResult) -> None:
        path = self.path(key)
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        data = encode(result)
        if self._fs is not None:
            self._fs.makedirs(os.path.dirname(path), exist_ok=True)
            self._fs.pipe_file(tmp, data)
            self._fs.mv(tmp, path)
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())  # on a shared file system, the rename must not overtake the data
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def discard(self, key: str) -> None:
        """Forget a damaged entry so that it renders again."""
        try:
            if self._fs is not None:
                self._fs.rm(self.path(key))
            else:
                os.unlink(self.path(key))
        except (OSError, FileNotFoundError):
            pass
