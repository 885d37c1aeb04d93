"""A catalogue to render: a manifest (CSV or JSON lines) or a folder of inputs, read into Items.

A manifest line names an input file (a script, subtitles, SSML or a project), optionally the name of its output
folder under OUT_DIR (default: the input's name without its extension) and any of `studio render`'s options:
voice, cast (NAME=VOICE,...), rate, loudness, fit, language. Relative input paths are read from the manifest's
folder. A column left empty takes the command's own option. Problems with the manifest itself (an unknown
column, two lines writing the same folder) are one sentence before anything renders; an input that cannot be
read is found later, per input, and skipped.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.errors import UserError

COLUMNS = ("input", "output", "voice", "cast", "rate", "loudness", "fit", "language")
ALIASES = {"lang": "language", "name": "output", "file": "input"}
FIT_MODES = ("compress", "both", "none")
# What a folder of inputs holds that `studio render` reads; anything else in it (notes, audio) is left alone.
INPUT_SUFFIXES = {".txt", ".srt", ".vtt", ".ssml", ".xml", ".json"}


class ManifestError(UserError):
    """One sentence for the user."""


@dataclass(frozen=True)
class Item:
    """One input of the catalogue and the options it is rendered with (None: the command's own)."""

    input: Path
    name: str  # its output folder under OUT_DIR
    options: dict[str, str] = field(default_factory=dict)

    def option(self, key: str, default=None):
        value = self.options.get(key)
        return default if value in (None, "") else value


def _row(raw: dict, where: str, base: Path) -> Item:
    row: dict[str, str] = {}
    for key, value in raw.items():
        if key is None:
            raise ManifestError(f"{where} has more cells than the header names; quote values that hold commas.")
        name = ALIASES.get(key.strip().lower(), key.strip().lower())
        if name not in COLUMNS:
            raise ManifestError(f"{where} has an unknown column '{key}'; use " + ", ".join(COLUMNS) + ".")
        row[name] = "" if value is None else str(value).strip()
    if not row.get("input"):
        raise ManifestError(f"{where} names no input; give the file to render in the 'input' column.")
    path = Path(row.pop("input")).expanduser()
    path = path if path.is_absolute() else base / path
    name = row.pop("output", "") or path.stem
    if name in (".", "..") or "/" in name or "\\" in name:
        raise ManifestError(f"{where} has the output name '{name}'; give a plain folder name, without slashes.")
    if row.get("fit") and row["fit"] not in FIT_MODES:
        raise ManifestError(f"{where} has fit '{row['fit']}'; use " + ", ".join(FIT_MODES) + ".")
    return Item(path, name, {k: v for k, v in row.items() if v})


def _lines(path: Path) -> list[tuple[dict, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"The manifest {path} cannot be read ({exc}); give a CSV or JSON lines file.") from None
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.lstrip().startswith("{"):
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                raise ManifestError(f"Line {n} of {path.name} is not JSON; write one object per line.") from None
            if not isinstance(value, dict):
                raise ManifestError(f"Line {n} of {path.name} is not a JSON object; write one object per line.")
            rows.append((value, f"Line {n} of {path.name}"))
        return rows
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    for row in reader:  # blank lines are skipped; a line with extra cells keeps them (under None) for _row
        if any(v if isinstance(v, list) else (v or "").strip() for v in row.values()):
            rows.append((row, f"Line {reader.line_num} of {path.name}"))
    return rows


def read_manifest(path: Path) -> list[Item]:
    """The catalogue a manifest file or a folder of inputs describes, in order."""
    path = Path(path)
    if path.is_dir():
        items = [Item(p, p.stem) for p in sorted(path.iterdir())
                 if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INPUT_SUFFIXES]
    elif path.is_file():
        items = [_row(row, where, path.parent) for row, where in _lines(path)]
    else:
        raise ManifestError(f"{path} does not exist; give a manifest (CSV or JSON lines) or a folder of inputs.")
    if not items:
        raise ManifestError(f"{path} names no inputs; list one file per line (or put scripts, subtitles or SSML "
                            "in the folder).")
    seen: dict[str, Path] = {}
    for item in items:
        if item.name.lower() in seen:
            raise ManifestError(f"{seen[item.name.lower()].name} and {item.input.name} would both write "
                                f"'{item.name}'; give one of them another output name.")
        seen[item.name.lower()] = item.input
    return items
