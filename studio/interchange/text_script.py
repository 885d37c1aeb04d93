"""Reading plain-text and dialogue scripts from disk."""

from __future__ import annotations

from pathlib import Path

from studio.core.errors import UserError
from studio.core.files import read_capped
from studio.core.lines import Line
from studio.core.script import parse_script

MAX_SCRIPT_BYTES = 50 * 1024 * 1024


class ImportError_(UserError):
    """A file could not be imported; the message is one sentence for the user."""


def read_text_file(path: str | Path) -> str:
    path = Path(path)
    raw = read_capped(path, MAX_SCRIPT_BYTES, "a script", ImportError_)
    try:
        return raw.decode("utf-8-sig")  # -sig: Windows editors often start UTF-8 files with a BOM
    except UnicodeDecodeError:
        raise ImportError_(f"{path.name} is not UTF-8 text; save it as UTF-8 and import it again.") from None


def read_script(path: str | Path) -> list[Line]:
    lines = parse_script(read_text_file(path))
    if not lines:
        raise ImportError_(f"{Path(path).name} has no text to speak.")
    return lines
