"""The default cast: the voices a dialogue is spoken with out of the box, one per character.

The cast is data (models/cast/cast.json): each entry names a character-like voice name and either a voice of a
backbone ({"backbone": "coqui", "model": "en_US-joe-medium"}) or a design of one ({"design": {...}}). An entry
whose backbone this installation does not have (a family core/voice_names.py does not know) is skipped with a
note, so a new voice joins the cast by adding one entry. docs/voices.md has the measurements behind the choice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from studio.core.paths import MODELS
from studio.core.design import Design, DesignError
from studio.core.model import VoiceRef
from studio.core.voice_names import DESIGN, naming, same_name

CAST_FILE = MODELS / "cast" / "cast.json"


@dataclass(frozen=True)
class CastVoice:
    name: str
    voice: VoiceRef  # VoiceRef("design", name) for a designed voice
    design: Design | None = None
    label: str = ""
    register: str | None = None  # "female" or "male": what an unmapped vendor voice of SSML is matched on

    @property
    def base_model(self) -> str:
        return self.design.base if self.design else self.voice.model


def backbone_available(backbone: str) -> bool:
    """Whether this installation has the backbone: a family the voice registry knows."""
    return naming(backbone) is not None


def parse(data: dict) -> tuple[list[CastVoice], list[str]]:
    """(the cast's voices, notes on the entries skipped)."""
    voices, notes = [], []
    for i, entry in enumerate(data.get("voices", []) if isinstance(data, dict) else []):
        try:
            name = str(entry["name"])
            if "design" in entry:
                design = Design.from_dict(entry["design"], name)
                voices.append(CastVoice(design.name, VoiceRef(DESIGN, design.name), design,
                                        entry.get("label", ""), entry.get("register")))
                continue
            ref = VoiceRef(str(entry["backbone"]), str(entry["model"]))
        except (KeyError, TypeError, DesignError) as exc:
            notes.append(f"cast entry {i + 1} is not valid ({exc}); it was skipped.")
            continue
        if not backbone_available(ref.backbone):
            notes.append(f"{name} needs the '{ref.backbone}' backbone, which this installation does not have; "
                         "it is left out of the cast.")
            continue
        voices.append(CastVoice(name, ref, None, entry.get("label", ""), entry.get("register")))
    return voices, notes


@lru_cache(maxsize=1)
def _load(path: str) -> tuple[tuple[CastVoice, ...], tuple[str, ...]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return (), (f"the cast file {path} cannot be read; dialogues use the narrator's voice.",)
    voices, notes = parse(data)
    return tuple(voices), tuple(notes)


def cast(path: Path = CAST_FILE) -> list[CastVoice]:
    return list(_load(str(path))[0])


def notes(path: Path = CAST_FILE) -> list[str]:
    return list(_load(str(path))[1])


def designs(path: Path = CAST_FILE) -> dict[str, Design]:
    return {v.name: v.design for v in cast(path) if v.design is not None}


def find(name: str, path: Path = CAST_FILE) -> CastVoice | None:
    """The cast voice called `name` (any case)."""
    return next((v for v in cast(path) if same_name(v.name, name)), None)
