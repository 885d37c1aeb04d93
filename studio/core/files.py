"""Reading a user's file safely: only regular files, and never more than a cap, whatever the file claims."""

from __future__ import annotations

import os
from pathlib import Path


def read_capped(path: str | os.PathLike, limit: int, what: str, error: type[Exception]) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A device (/dev/zero), a FIFO or a socket is refused
    before it is opened for reading (a FIFO would block), and the read itself stops at the cap, so a file that
    grows or lies about its size cannot exhaust memory. Raises `error` with one sentence."""
    import stat

    path = Path(path)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise error(f"{path} is a folder, not {what}.")
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{path} is not a regular file (a device, pipe or socket), so it is not {what}.")
        if st.st_size > limit:
            raise error(f"{path.name} is {st.st_size // 2**20} MiB, too large to be {what}.")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped between the stat and the open
                raise error(f"{path} is not a regular file, so it is not {what}.")
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{path} does not exist; check the path.") from None
    except PermissionError:
        raise error(f"{path} cannot be read (permission denied).") from None
    except OSError as exc:
        raise error(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if len(raw) > limit:
        raise error(f"{path.name} is over {limit // 2**20} MiB, too large to be {what}.")
    return raw
