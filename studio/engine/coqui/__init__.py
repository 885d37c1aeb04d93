"""Coqui TTS backbones. Importing this package does not import torch or TTS; `load` does."""

from __future__ import annotations

from typing import Callable

from .loading import DeviceUnavailable, ModelError, UnsafeCheckpoint, resolve

__all__ = ["ModelError", "UnsafeCheckpoint", "load", "resolve"]

# Architectures with phoneme-level control, and those refused with the reason why.
FORWARD = {"fast_pitch", "fastspeech2", "fast_speech", "forward_tts"}
VITS = {"vits", "your_tts"}
REFUSED = {
    "xtts": "XTTS generates speech token by token with no phoneme durations to edit",
    "tortoise": "Tortoise generates speech token by token with no phoneme durations to edit",
    "bark": "Bark generates audio tokens with no phoneme alignment",
    "tacotron": "Tacotron's attention gives no stable phoneme durations to edit",
    "tacotron2": "Tacotron 2's attention gives no stable phoneme durations to edit",
    "glow_tts": "Glow-TTS is not wired up yet",
    "overflow": "Overflow samples its durations and is not wired up yet",
    "neuralhmm_tts": "Neural-HMM samples its durations and is not wired up yet",
    "delightful_tts": "Delightful TTS is not wired up yet",
}


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
    from .loading import build_tts, read_architecture

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
        from .vits import VitsBackbone

        return VitsBackbone(spec, folder, model, config, device)
    from .forward import ForwardBackbone
    from .frontend import Vocoder

    vocoder = Vocoder(model, config, folder.vocoder, trusted)
    vocoder.to(device)
    return ForwardBackbone(spec, folder, model, config, vocoder, device)
