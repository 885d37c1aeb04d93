"""Build small Coqui models with random weights, saved as ordinary Coqui model folders.

No pretrained weights can be downloaded on the development and CI machines, so tests load these folders through
exactly the path a downloaded model takes (config.json + model.pth, read by studio.engine.coqui.loading). Random
weights make noise, so tests on them check shapes, timing, determinism, caching and equality with Coqui's own
Synthesizer, never how the speech sounds.

    python scripts/make_tiny_models.py OUT_DIR [--full]

makes OUT_DIR/{fastpitch,fastspeech2,vits_multispeaker,hifigan}. --full builds FastPitch and HiFiGAN v1 at
Coqui's default sizes, for the benchmark.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SPEAKERS = ["ada", "ben", "cleo", "dev"]
# Pitch and energy statistics the tiny models claim, so that semitone and dB edits have a unit to convert to.
STATS = {"pitch_mean_hz": 180.0, "pitch_std_hz": 40.0, "energy_mean": 20.0, "energy_std": 10.0}


def _audio(config) -> None:
    config.audio.sample_rate = 22050
    config.audio.hop_length = 256
    config.audio.win_length = 1024
    config.audio.fft_size = 1024
    config.audio.num_mels = 80
    config.audio.do_trim_silence = False


def _text(config) -> None:
    config.use_phonemes = True
    config.phonemizer = "espeak"
    config.phoneme_language = "en-us"
    config.text_cleaner = "phoneme_cleaners"
    config.phoneme_cache_path = None


def _save(model, config, folder: Path, card: dict) -> Path:
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    config.save_json(str(folder / "config.json"))
    # Only tensors in the checkpoint: it loads with torch.load(weights_only=True), as every checkpoint must.
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    (folder / "model_card.json").write_text(json.dumps(card, indent=1))
    return folder


def make_forward(out: Path, name: str, energy: bool, full: bool = False, speakers: list[str] | None = None) -> Path:
    import torch
    from TTS.tts.configs.fast_pitch_config import FastPitchConfig
    from TTS.tts.configs.fastspeech2_config import Fastspeech2Config
    from TTS.tts.models.forward_tts import ForwardTTS

    torch.manual_seed(0)
    config = Fastspeech2Config() if energy else FastPitchConfig()
    _audio(config)
    _text(config)
    if not full:
        a = config.model_args
        a.hidden_channels = 64
        a.encoder_params = {"hidden_channels_ffn": 128, "num_heads": 1, "num_layers": 2, "dropout_p": 0.1}
        a.decoder_params = {"hidden_channels_ffn": 128, "num_heads": 1, "num_layers": 2, "dropout_p": 0.1}
        a.duration_predictor_hidden_channels = 32
        a.pitch_predictor_hidden_channels = 32
        a.energy_predictor_hidden_channels = 32
    if speakers:
        config.model_args.use_speaker_embedding = True
        config.use_speaker_embedding = True
        config.speakers = list(speakers)
        config.num_speakers = config.model_args.num_speakers = len(speakers)
    model = ForwardTTS(config)
    # Random weights predict durations near zero; bias the duration predictor's output so that a phoneme gets
    # about 7 frames (log(1 + 7)), the realistic length the benchmark and the timing tests need.
    with torch.no_grad():
        model.duration_predictor.proj.bias.fill_(float(torch.log(torch.tensor(8.0))))
        model.duration_predictor.proj.weight.mul_(0.01)
    card = {"name": name, "source": "random weights built by scripts/make_tiny_models.py", "license": "MPL-2.0",
            "commercial_use": True, "architecture": "fastspeech2" if energy else "fast_pitch",
            "prosody_stats": STATS}
    return _save(model, config, out / name, card)


def make_vits(out: Path, name: str = "vits_multispeaker") -> Path:
    import torch
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models import setup_model

    torch.manual_seed(0)
    config = VitsConfig()
    _audio(config)
    _text(config)
    a = config.model_args
    a.hidden_channels = 32
    a.hidden_channels_ffn_text_encoder = 64
    a.num_layers_text_encoder = 2
    a.num_layers_posterior_encoder = 2
    a.num_layers_flow = 2
    a.upsample_initial_channel_decoder = 32
    a.resblock_kernel_sizes_decoder = [3]
    a.resblock_dilation_sizes_decoder = [[1, 3, 5]]
    a.speaker_embedding_channels = 16
    a.init_discriminator = False
    a.use_speaker_embedding = True
    config.use_speaker_embedding = True
    config.speakers = list(SPEAKERS)
    config.num_speakers = a.num_speakers = len(SPEAKERS)
    config.add_blank = True
    model = setup_model(config)  # what loading a Coqui folder does: Vits(config), tokenizer and speakers included
    card = {"name": name, "source": "random weights built by scripts/make_tiny_models.py", "license": "MPL-2.0",
            "commercial_use": True, "architecture": "vits"}
    return _save(model, config, out / name, card)


def make_hifigan(out: Path, name: str = "hifigan", full: bool = False) -> Path:
    import torch
    from TTS.vocoder.configs.hifigan_config import HifiganConfig
    from TTS.vocoder.models import setup_model

    torch.manual_seed(0)
    config = HifiganConfig()
    _audio(config)
    if not full:
        config.generator_model_params = {
            "upsample_factors": [8, 8, 2, 2], "upsample_kernel_sizes": [16, 16, 4, 4],
            "upsample_initial_channel": 32, "resblock_kernel_sizes": [3], "resblock_dilation_sizes": [[1, 3, 5]],
            "resblock_type": "2"}
    model = setup_model(config)
    card = {"name": name, "source": "random weights built by scripts/make_tiny_models.py", "license": "MPL-2.0",
            "commercial_use": True, "architecture": "hifigan"}
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    config.save_json(str(folder / "config.json"))
    # A full GAN checkpoint also holds the discriminator (about 70 M parameters). Coqui also reads the older
    # layout, {"model": generator weights, "model_disc": ...}, which many zoo vocoders use; it keeps this small.
    torch.save({"model": model.model_g.state_dict(), "model_disc": {}}, folder / "model.pth")
    (folder / "model_card.json").write_text(json.dumps(card, indent=1))
    return folder


def make_all(out: Path, full: bool = False) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    vocoder = make_hifigan(out, full=full)
    models = {
        "fastpitch": make_forward(out, "fastpitch", energy=False, full=full),
        "fastspeech2": make_forward(out, "fastspeech2", energy=True, full=full, speakers=SPEAKERS),
        "vits_multispeaker": make_vits(out),
        "hifigan": vocoder,
    }
    # A model folder may carry its vocoder in vocoder/, the way Speech Studio finds it for local models.
    for name in ("fastpitch", "fastspeech2"):
        link = models[name] / "vocoder"
        if not link.exists():
            link.symlink_to(vocoder.resolve(), target_is_directory=True)
    return models


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--full", action="store_true", help="FastPitch and HiFiGAN v1 at Coqui's default sizes")
    args = parser.parse_args()
    for name, path in make_all(args.out, args.full).items():
        print(f"{name}: {path}")
