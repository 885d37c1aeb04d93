"""The output folder of `studio render`: locked, written beside it and swapped in whole.

A render writes into a temporary sibling (`.NAME.PID.partial`) while holding a lock on `.NAME.lock`, and renames
it over the folder only when every file is written: a second render into the same folder is refused while the
first runs, a killed render leaves the previous output as it was, and the next render clears what a killed one
left behind. A folder that holds files a render does not write is never replaced: the user's files stay.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator

from studio.core.errors import UserError

# What a render writes; a folder holding anything else is not a previous render's output.
RENDER_FILES = {"mix.wav", "stems", "clips", "alignment.json", "subtitles.srt", "subtitles.vtt", "labels.txt",
                "alignment.TextGrid", "timeline.otio", "timeline.xml", "timeline.fcpxml", "timeline.aaf",
                "edits.ssml", "timing-report.csv", "loudness.json"}


class OutputFolderError(UserError):
    """One sentence for the user."""


def _clean_stale(parent: Path, name: str) -> None:
    """Leftovers of renders that were killed: we hold the lock, so no other render owns them."""
    old = sorted(parent.glob(f".{name}.*.old"))
    if old and not (parent / name).exists():
        os.replace(old[-1], parent / name)  # killed between the two renames: put the previous output back
    for leftover in [*parent.glob(f".{name}.*.partial"), *parent.glob(f".{name}.*.old")]:
        shutil.rmtree(leftover, ignore_errors=True)


def check(folder: Path) -> None:
    """Raises OutputFolderError where a render could not be written into `folder`: it is a file, it holds files
    a render does not write, or its parent cannot be made. `studio render` asks this before any line is
    rendered, so a long render never ends in a refusal; output_folder asks again when it writes."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"{folder} is a file; give a folder for the render's output.")
    if folder.is_dir():
        foreign = sorted(p.name for p in folder.iterdir() if p.name not in RENDER_FILES)
        if foreign:
            raise OutputFolderError(f"{folder} holds other files (such as {foreign[0]}); a render replaces its "
                                    "whole output folder, so choose a new or empty folder.")
    parent = next((p for p in [folder.parent, *folder.parent.parents] if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise OutputFolderError(f"{parent} is a file, so {folder} cannot be made; choose another folder.")
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFolderError(f"{parent} cannot be written to, so {folder} cannot be made; choose another "
                                "folder.")


@contextlib.contextmanager
def output_folder(folder: Path) -> Iterator[Path]:
    """Yields the folder to write into; on a clean exit it becomes `folder`."""
    import fcntl

    folder = Path(folder)
    check(folder)
    parent, name = folder.parent, folder.name
    parent.mkdir(parents=True, exist_ok=True)
    lock = open(parent / f".{name}.lock", "a+")
    try:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputFolderError(f"Another render is writing into {folder}; wait for it to finish or choose "
                                    "another folder.") from None
        _clean_stale(parent, name)
        work = parent / f".{name}.{os.getpid()}.partial"
        work.mkdir()
        try:
            yield work
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        old = parent / f".{name}.{os.getpid()}.old"
        if folder.exists():
            os.replace(folder, old)
        os.replace(work, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        lock.close()
        with contextlib.suppress(OSError):
            os.unlink(parent / f".{name}.lock")
