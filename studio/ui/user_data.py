"""The user's own data shared between projects: the global pronunciation lexicon, kept as JSON in the user's
config folder and written atomically like every save."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from studio.core.lexicon import LexiconError, check_entry


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "speech-studio"


def lexicon_path() -> Path:
    return config_dir() / "lexicon.json"


def load_global_lexicon() -> dict[str, str]:
    """The global lexicon; a missing or damaged file gives an empty one (entries that do not check are skipped)."""
    try:
        data = json.loads(lexicon_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for word, pron in (data.get("entries", {}) if isinstance(data, dict) else {}).items():
        try:
            w, p = check_entry(word, pron)
            out[w] = p
        except (LexiconError, TypeError):
            continue
    return out


def write_json_atomic(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_global_lexicon(entries: dict[str, str]) -> None:
    write_json_atomic(lexicon_path(), {"format": "speech-studio-lexicon", "entries": dict(sorted(entries.items()))})
