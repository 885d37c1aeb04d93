"""A model folder's card: licence, source and the training statistics edits need, read from model_card.json."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from studio.engine.errors import RefusedFolder
from studio.engine.voices.coqui import folder_checks


@dataclass(frozen=True)
class ModelCard:
    name: str
    license: str = "unknown"
    commercial_use: bool = False  # unknown licenses are treated as non-commercial until the user checks
    source: str = ""
    description: str = ""
    # Training-set pitch and energy statistics ("pitch_mean_hz", "pitch_std_hz", "energy_mean", "energy_std"),
    # which FastPitch-type models normalize by; semitone and dB edits need them.
    stats: dict = field(default_factory=dict)
    # Where commercial use is neither allowed nor refused outright (a voice fine-tuned from a base whose licence
    # is not stated), what the user must check.
    commercial_note: str = ""
    dataset_license: str = ""
    finetuned_from: str = ""


def card_from(name: str, info: dict | None) -> ModelCard:
    """A card from Coqui's .models.json entry or a folder's model_card.json."""
    info = info or {}
    lic = str(info.get("license") or "unknown")
    lowered = lic.lower()
    commercial = info.get("commercial_use")
    if commercial is None:
        words = set(re.split(r"[^a-z]+", lowered))
        squashed = re.sub(r"[^a-z]+", "", lowered)
        commercial = lic != "unknown" and not (
            words & {"nc", "cpml"} or "noncommercial" in squashed or "coquipublicmodellicense" in squashed)
    stats = info.get("prosody_stats") if isinstance(info.get("prosody_stats"), dict) else {}
    return ModelCard(name=name, license=lic, commercial_use=bool(commercial), source=str(info.get("source", "")),
                     description=str(info.get("description", "")),
                     commercial_note=str(info.get("commercial_note", "")),
                     dataset_license=str(info.get("dataset_license", "")),
                     finetuned_from=str(info.get("finetuned_from", "")),
                     stats={k: float(v) for k, v in stats.items() if isinstance(v, (int, float))})


def read_card(folder: Path) -> dict | None:
    """A folder's model_card.json as a dict, None where there is none; a card that is there but damaged or
    hostile is refused, so that the listing and the loader give the same reason."""
    path = folder / "model_card.json"
    if not os.path.lexists(path):
        return None
    info = folder_checks.read_json(path, folder, "a model card", limit=2**20)
    if not isinstance(info, dict):
        raise RefusedFolder(f"{path.name} holds a {type(info).__name__}, not a model card; fix or delete it.")
    return info
