"""Finding and loading Coqui models safely: zoo names through Coqui's ModelManager, or local model folders.

Every checkpoint is read with `torch.load(weights_only=True)`, which accepts tensors and plain containers only.
A checkpoint that needs arbitrary unpickling could run code while it loads, so it is refused unless the user has
marked it as trusted. Models are then built from their config with Coqui's own `setup_model` and given the
weights, which is what Coqui does, minus the unsafe fallback.
"""

from __future__ import annotations

import logging
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from studio.core.voice_names import is_zoo_spec
from studio.engine.errors import ModelError, UnsafeCheckpoint
from studio.engine.voices.coqui.architectures import FORWARD, TRAINING_ONLY
from studio.engine.voices.coqui.cards import ModelCard, card_from, read_card

CHECKPOINT_NAMES = ("model.pth", "model_file.pth", "checkpoint.pth", "best_model.pth", "model.pth.tar",
                    "model_file.pth.tar")


@dataclass
class ModelFolder:
    path: Path
    config_path: Path
    checkpoint: Path
    card: ModelCard
    vocoder: "ModelFolder | None" = None
    extra: dict[str, Any] = field(default_factory=dict)


def find_checkpoint(folder: Path) -> Path:
    # lexists, not is_file: a FIFO or a link out of the folder named model.pth must be found and refused by
    # folder_checks with the reason, not passed over for another file.
    for name in CHECKPOINT_NAMES:
        if os.path.lexists(folder / name):
            return folder / name
    found = sorted(folder.glob("*.pth")) + sorted(folder.glob("*.pt"))
    if not found:
        raise ModelError(f"{folder} has no checkpoint (model.pth); it is not a Coqui model folder.")
    return found[0]


def open_folder(folder: str | Path) -> ModelFolder:
    """A local Coqui model folder: config.json, a checkpoint, optionally model_card.json and vocoder/."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ModelError(f"{folder} is not a folder; give a Coqui model folder or a zoo name like "
                         "tts_models/en/vctk/vits.")
    config_path = folder / "config.json"
    if not os.path.lexists(config_path):
        raise ModelError(f"{folder} has no config.json; it is not a Coqui model folder.")
    card_info = read_card(folder)
    vocoder = None
    if (folder / "vocoder" / "config.json").is_file():
        vocoder = open_folder(folder / "vocoder")
    return ModelFolder(folder, config_path, find_checkpoint(folder), card_from(folder.name, card_info), vocoder)


def fetch_zoo(name: str, progress: Callable[[str], None] | None = None) -> ModelFolder:
    """Download (or find in Coqui's cache) a zoo model and its default vocoder through Coqui's ModelManager."""
    from TTS.utils.manage import ModelManager

    manager = ModelManager(progress_bar=True)  # tqdm on stderr: Coqui offers no other progress hook
    # Coqui logs a full traceback when a download fails; the user gets our one sentence instead.
    coqui_log = logging.getLogger("TTS")
    level = coqui_log.level
    coqui_log.setLevel(logging.CRITICAL + 1)
    try:
        if progress:
            progress(f"Fetching {name} (Coqui's ModelManager)…")
        model_path, config_path, item = manager.download_model(name)
    except (KeyError, ValueError) as exc:
        raise ModelError(f"Coqui's model zoo has no model named {name}; see 'studio voices' for names.") from exc
    except Exception as exc:  # noqa: BLE001 - network errors come in many types; the user needs one sentence
        raise ModelError(f"Could not download {name} ({type(exc).__name__}); check the network connection "
                         "or load a local model folder.") from exc
    finally:
        coqui_log.setLevel(level)
    folder = Path(model_path) if Path(model_path).is_dir() else Path(model_path).parent
    result = ModelFolder(folder, Path(config_path) if config_path else folder / "config.json",
                         Path(model_path) if Path(model_path).is_file() else find_checkpoint(folder),
                         card_from(name, dict(item) if item else None))
    vocoder_name = (item or {}).get("default_vocoder")
    if vocoder_name:
        result.vocoder = fetch_zoo(vocoder_name, progress)
    return result


def resolve(spec: str, progress: Callable[[str], None] | None = None) -> ModelFolder:
    """A zoo name, a voice in the user's model store (converted on first use), or a folder."""
    from studio.engine.voices.coqui import store

    if is_zoo_spec(spec):
        return fetch_zoo(spec, progress)
    if store.is_stored(spec) and not Path(spec).exists():
        folder = open_folder(store.ensure(spec, progress))
        folder.card = replace(folder.card, name=spec)
        return folder
    return open_folder(spec)


def load_checkpoint(path: Path, trusted: bool = False) -> dict:
    """The checkpoint's contents, loaded without running any code it might carry (unless `trusted`)."""
    import torch

    from studio.engine.voices.coqui import folder_checks

    folder_checks.check_checkpoint(path, path.parent)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "GLOBAL" not in str(exc):  # torch names the class it refused; anything else is a damaged pickle
            raise ModelError(f"{path.name} is a damaged PyTorch checkpoint (its data cannot be unpickled); "
                             "download the model again.") from None
        if not trusted:
            raise UnsafeCheckpoint(
                f"{path.name} contains Python objects that could run code while loading, so it was not loaded; "
                "mark the model as trusted only if you know where it comes from.") from exc
    except (RuntimeError, EOFError, OSError) as exc:
        raise ModelError(f"{path.name} is not a readable PyTorch checkpoint ({exc.__class__.__name__}); "
                         "download the model again.") from exc
    return torch.load(path, map_location="cpu", weights_only=False)


def read_architecture(folder: ModelFolder) -> str:
    """The config's "model" name, read as plain JSON so that unknown architectures get a clear refusal."""
    config = read_config(folder)
    return str(config.get("model") or config.get("generator_model") or "").lower()


def read_config(folder: ModelFolder) -> dict:
    """config.json as plain JSON, read once with a cap and its size fields checked, before Coqui sees it."""
    from studio.engine.voices.coqui import folder_checks

    config = folder_checks.read_json(folder.config_path, folder.path, "a Coqui config")
    folder_checks.check_sizes(config, folder.config_path.name)
    return _current_class_paths(config)


# Folders converted before the engine was split into rooms name the Piper characters class at its old path.
_MOVED = {"studio.engine.coqui.": "studio.engine.voices.coqui."}


def _current_class_paths(config):
    chars = config.get("characters") if isinstance(config, dict) else None
    path = chars.get("characters_class") if isinstance(chars, dict) else None
    if isinstance(path, str):
        for old, new in _MOVED.items():
            if path.startswith(old):
                chars["characters_class"] = new + path[len(old):]
    return config


def load_config(folder: ModelFolder):
    """Coqui's config object, built from the checked dict the way TTS.config.load_config builds it from a file."""
    return coqui_config(read_config(folder), str(folder.config_path))


def coqui_config(data: dict, where: str):
    """Coqui's config object for a checked config dict (also what the model-config fuzzer reads)."""
    name = data.get("model") or data.get("generator_model") if isinstance(data, dict) else None
    if not isinstance(name, str):
        raise ModelError(f"{where} names no model architecture (\"model\"), so it is not a Coqui config.")
    from TTS.config import register_config

    try:
        config = register_config(name.replace("_generator", "").replace("_discriminator", "").lower())()
        config.from_dict(data)
        return config
    except Exception as exc:  # noqa: BLE001 - Coqpit raises many types for a bad config
        raise ModelError(f"{where} is not a Coqui config Speech Studio can read "
                         f"({exc.__class__.__name__}).") from exc


def _setup(setup, config, folder: ModelFolder):
    """Coqui's model builder, with what a config that passed the size checks can still get wrong (a kernel of 0,
    heads that do not divide the channels) turned into one sentence."""
    try:
        return setup(config)
    except MemoryError:
        raise ModelError(f"{folder.config_path} describes a model too large for this machine's memory.") from None
    except Exception as exc:  # noqa: BLE001 - torch.nn raises ValueError, RuntimeError, AssertionError, ...
        raise ModelError(f"{folder.config_path} describes a model that cannot be built "
                         f"({exc.__class__.__name__}: {str(exc)[:80]}).") from exc


def build_tts(folder: ModelFolder, trusted: bool = False):
    """(model, config) for a TTS model folder, in eval mode."""
    from TTS.tts.models import setup_model

    from studio.engine.voices.coqui import folder_checks

    config = load_config(folder)
    state = load_checkpoint(folder.checkpoint, trusted)
    arch = str(config.model).lower()
    folder_checks.check_weights(state, folder.checkpoint, "forward" if arch in FORWARD else "vits", arch)
    model = _setup(setup_model, config, folder)
    try:
        missing, unexpected = model.load_state_dict(state["model"], strict=False)
    except (KeyError, RuntimeError, TypeError) as exc:
        raise ModelError(f"The weights in {folder.checkpoint.name} do not fit its config.json; "
                         "the folder may mix two models.") from exc
    # Converted voices (Piper) carry only what inference uses; anything else missing is a broken folder.
    missing = [k for k in missing if not k.startswith(TRAINING_ONLY)]
    if missing or unexpected:
        raise ModelError(f"The weights in {folder.checkpoint.name} do not fit its config.json "
                         f"({(missing or unexpected)[0]}); the folder may mix two models.")
    model.eval()
    return model, config


def build_vocoder(folder: ModelFolder, trusted: bool = False):
    """(generator, config) for a GAN vocoder folder (HiFiGAN, MelGAN, ...), ready for inference.

    Only the generator is built: the discriminator is for training. Both checkpoint layouts Coqui writes are
    read: the full GAN ("model_g.*" keys) and the older generator-only one (with "model_disc").
    """
    from TTS.vocoder.models import setup_generator

    config = load_config(folder)
    state = load_checkpoint(folder.checkpoint, trusted)
    weights = state.get("model") if isinstance(state, dict) else None
    if not isinstance(weights, dict):
        raise ModelError(f"{folder.checkpoint.name} holds no vocoder weights; download the vocoder again.")
    if "model_disc" not in state:
        weights = {k[len("model_g."):]: v for k, v in weights.items() if str(k).startswith("model_g.")}
    generator = _setup(setup_generator, config, folder)
    try:
        generator.load_state_dict(weights)
    except (RuntimeError, TypeError) as exc:
        raise ModelError(f"The vocoder weights in {folder.checkpoint.name} do not fit its config.json.") from exc
    generator.eval()
    if hasattr(generator, "remove_weight_norm"):
        generator.remove_weight_norm()
    return generator, config
