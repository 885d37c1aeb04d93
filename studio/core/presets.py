"""Preset libraries: emotion presets and style presets, kept in a file the user owns and shares between projects.

An emotion preset is core/emotion.py's EmotionPreset under a name. A style preset is how a line is delivered:
an emotion with its intensity and the line controls (speed, volume, pitch, intonation), so "Announcer" or
"Aside" can be put on any line at once. The user's library is presets.json in the config folder; the same format
is what File > Export presets writes and Import reads, so presets travel between people too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.errors import UserError
from studio.core.emotion import EmotionPreset
from studio.core.model import Emotion, LineControls
from studio.core.user_files import config_dir, write_json_atomic

FORMAT = "speech-studio-presets"
MAX_PRESETS = 1000


class PresetFileError(UserError, ValueError):
    """One sentence for the user: what is wrong with the file and what to do."""


@dataclass(frozen=True)
class StylePreset:
    emotion: Emotion = field(default_factory=Emotion)
    controls: LineControls = field(default_factory=LineControls)

    def as_dict(self) -> dict:
        c = self.controls
        return {"emotion": self.emotion.name, "intensity": self.emotion.intensity, "speed": c.speed,
                "volume_db": c.volume_db, "pitch_st": c.pitch_st, "intonation": c.intonation}

    @staticmethod
    def from_dict(d: dict) -> "StylePreset":
        if not isinstance(d, dict):
            raise ValueError("a style should be an object")
        numbers = {k: d.get(k, default) for k, default in (("intensity", 1.0), ("speed", 1.0), ("volume_db", 0.0),
                                                           ("pitch_st", 0.0), ("intonation", 1.0))}
        for k, v in numbers.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"'{k}' should be a number")
        return StylePreset(Emotion(d.get("emotion", "neutral"), numbers["intensity"]),
                           LineControls(numbers["speed"], numbers["volume_db"], numbers["pitch_st"],
                                        numbers["intonation"]))


@dataclass
class PresetLibrary:
    emotions: dict[str, EmotionPreset] = field(default_factory=dict)
    styles: dict[str, StylePreset] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "emotions": {n: p.as_dict() for n, p in sorted(self.emotions.items())},
                "styles": {n: s.as_dict() for n, s in sorted(self.styles.items())}}

    def merge(self, other: "PresetLibrary") -> list[str]:
        """Take the other library's presets (theirs win); the names that were added or replaced."""
        self.emotions.update(other.emotions)
        self.styles.update(other.styles)
        return sorted({*other.emotions, *other.styles})


def check_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name or len(name) > 40:
        raise ValueError("A preset needs a name of 1 to 40 characters.")
    return name


def from_dict(doc) -> PresetLibrary:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PresetFileError("This file is not a Speech Studio preset file; export presets from the Presets "
                              "dialog to make one.")
    lib = PresetLibrary()
    emotions, styles = doc.get("emotions", {}), doc.get("styles", {})
    if not isinstance(emotions, dict) or not isinstance(styles, dict) or len(emotions) + len(styles) > MAX_PRESETS:
        raise PresetFileError("The preset file's emotions and styles should be objects of named presets.")
    for kind, source, read, target in (("emotion", emotions, EmotionPreset.from_dict, lib.emotions),
                                       ("style", styles, StylePreset.from_dict, lib.styles)):
        for name, value in source.items():
            try:
                target[check_name(name)] = read(value if isinstance(value, dict) else {"?": value})
            except ValueError as exc:
                raise PresetFileError(f"The {kind} preset '{str(name)[:40]}' cannot be read: "
                                      f"{str(exc).rstrip('.')}.") from None
    return lib


def load(path: Path) -> PresetLibrary:
    """A preset file; raises PresetFileError with one sentence when it cannot be used."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetFileError(f"The preset file cannot be read ({exc.__class__.__name__}); check the file.") from None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise PresetFileError("The preset file is not valid JSON; it may be damaged.") from None
    return from_dict(doc)


def save(library: PresetLibrary, path: Path) -> None:
    write_json_atomic(Path(path), library.to_dict())


def user_library_path() -> Path:
    return config_dir() / "presets.json"


def load_user_library() -> PresetLibrary:
    """The user's library; a missing or damaged one reads as empty (it is a convenience, never a blocker)."""
    try:
        return load(user_library_path())
    except PresetFileError:
        return PresetLibrary()
