"""The user's model store: converted voices live here as ordinary Coqui model folders.

Known voices are described by manifests in the repository's top-level `models/` folder (source package and file,
sha256, licence, architecture). On first use a known voice is converted from the file its package installed
and cached here; the converted weights are never part of the repository. `studio voices import` adds any other
Piper voice under a name of the user's choosing.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import Callable

from studio.core.paths import MODELS
from studio.core.voice_names import is_store_name
from studio.engine.errors import ModelError

MANIFESTS = MODELS
DEFAULT_VOICE = "en_US-joe-medium"  # the narrator of new projects, the demo and `studio say`


def root() -> Path:
    """$STUDIO_MODELS, else $XDG_DATA_HOME/speech-studio/models (~/.local/share/…)."""
    if os.environ.get("STUDIO_MODELS"):
        return Path(os.environ["STUDIO_MODELS"]).expanduser()
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "speech-studio" / "models"


def manifests() -> dict[str, dict]:
    out = {}
    for path in sorted(MANIFESTS.glob("*.json")) if MANIFESTS.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out[str(data.get("name", path.stem))] = data
    return out


def is_stored(spec: str) -> bool:
    """A voice of the store: a known voice (converted on first use) or one imported or converted already."""
    return is_store_name(spec) and (spec in manifests() or (root() / spec).is_dir())


def phoneme_input(spec: str) -> str | None:
    """What a lexicon entry may give a Coqui voice as phonemes: IPA for the store's converted Piper voices, whose
    front-end puts it straight into the phoneme sequence; nothing for other models (respellings only)."""
    return "ipa" if is_stored(spec) else None


def source_file(manifest: dict) -> Path:
    """The installed file a manifest points at, or ModelError saying which package to install."""
    src = manifest["source"]
    try:
        module = importlib.import_module(src["module"])
    except ImportError:
        raise ModelError(f"The voice {manifest['name']} comes from the package {src['package']}, which is not "
                         f"installed; run 'pip install {src['package']}'.") from None
    return Path(module.__file__).parent / src["file"]


def _converted(folder: Path, sha256: str) -> bool:
    from studio.engine.voices.coqui.cards import read_card

    try:
        card = read_card(folder) or {}
    except ModelError:
        return False  # a damaged card: convert again, which writes a new one
    from studio.engine.voices.coqui.piper_import import CONVERTER_VERSION

    return (card.get("sha256") == sha256 and card.get("converter_version") == CONVERTER_VERSION
            and (folder / "model.pth").is_file() and (folder / "config.json").is_file())


def ensure(name: str, progress: Callable[[str], None] | None = None) -> Path:
    """The folder of a stored voice, converting a known one from its package on first use."""
    from studio.engine.voices.coqui.piper_import import read_piper, write_folder

    folder = root() / name
    manifest = manifests().get(name)
    if manifest is None:
        if (folder / "config.json").is_file():
            return folder
        raise ModelError(f"There is no voice named {name} in {root()}; see 'studio voices'.")
    sha = manifest["source"]["sha256"]
    if _converted(folder, sha):
        return folder
    path = source_file(manifest)
    voice = read_piper(path, name)
    if voice.sha256 != sha:
        raise ModelError(f"{path} does not match the checksum in models/{name}.json; reinstall "
                         f"{manifest['source']['package']}.")
    write_folder(voice, folder, source=manifest["source"]["package"], progress=progress)
    return folder


def import_voice(onnx_path: str | Path, name: str | None = None,
                 progress: Callable[[str], None] | None = None) -> Path:
    """Convert a Piper voice into the store; nothing is written unless the whole conversion succeeds."""
    from studio.engine.errors import PiperImportError
    from studio.engine.voices.coqui.piper_import import read_piper, write_folder

    voice = read_piper(onnx_path, name)
    if not is_store_name(voice.name):
        raise PiperImportError(f"'{voice.name}' cannot be a voice name; use letters, digits, '-', '_' or '.'.")
    return write_folder(voice, root() / voice.name, source=str(Path(onnx_path).expanduser().resolve()),
                        progress=progress)
