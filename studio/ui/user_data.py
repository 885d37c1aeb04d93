"""The user's own data shared between projects: the global pronunciation lexicon, kept as JSON in the user's
config folder and written atomically like every save."""

from __future__ import annotations

import json
from pathlib import Path

from studio.core.lexicon import LexiconError, check_entry
from studio.core.user_files import config_dir, write_json_atomic  # noqa: F401 - shared with the voice library


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


def save_global_lexicon(entries: dict[str, str]) -> None:
    write_json_atomic(lexicon_path(), {"format": "speech-studio-lexicon", "entries": dict(sorted(entries.items()))})
