"""Coqui TTS backbones. Importing this package does not import torch or TTS; `load` does."""

from __future__ import annotations

from typing import Callable

from studio.engine.errors import DeviceUnavailable, ModelError, UnsafeCheckpoint
from studio.engine.voices.coqui.architectures import FORWARD, REFUSED, VITS
from studio.engine.voices.coqui.loading import resolve

__all__ = ["FORWARD", "REFUSED", "VITS", "ModelError", "UnsafeCheckpoint", "load", "resolve"]

def check_device(device: str) -> None:
    """Refuse a CUDA device the machine does not have in one sentence, before any model is read (torch would
    raise deep inside the model's move with a traceback)."""
    if not str(device).startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        raise DeviceUnavailable("This machine has no CUDA GPU that torch can use; run on the CPU (--device cpu) or let "
                         "Speech Studio choose (--device auto).")
    index = torch.device(device).index
    if index is not None and index >= torch.cuda.device_count():
        raise DeviceUnavailable(f"There is no GPU {device} on this machine (it has {torch.cuda.device_count()}); pick "
                         "another or use --device auto.")


def load(spec: str, trusted: bool = False, device: str = "cpu", progress: Callable[[str], None] | None = None):
    """A backbone for a zoo name or a local Coqui model folder. Raises ModelError with one sentence."""
    from studio.engine.voices.coqui.loading import build_tts, read_architecture

    check_device(device)
    folder = resolve(spec, progress)
    arch = read_architecture(folder)
    if arch in REFUSED:
        raise ModelError(f"Speech Studio cannot edit this model: {REFUSED[arch]}. Use a FastPitch, FastSpeech2 "
                         "or VITS model, or the embedded voice.")
    if arch not in FORWARD | VITS:
        raise ModelError(f"Speech Studio does not support the '{arch}' architecture; use a FastPitch, FastSpeech2 "
                         "or VITS model.")
    model, config = build_tts(folder, trusted)
    model.to(device)
    if arch in VITS:
        from studio.engine.voices.coqui.vits import VitsBackbone

        return VitsBackbone(spec, folder, model, config, device)
    from studio.engine.voices.coqui.forward import ForwardBackbone
    from studio.engine.voices.coqui.frontend import Vocoder

    vocoder = Vocoder(model, config, folder.vocoder, trusted)
    vocoder.to(device)
    return ForwardBackbone(spec, folder, model, config, vocoder, device)
