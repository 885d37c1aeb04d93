"""The Coqui architectures the editor runs, those it refuses with the reason, and what their checkpoints may
leave out. Plain data, so that the loader, the Piper importer and the catalogue share it without importing each
other."""

from __future__ import annotations

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

# Parameters only training uses: a checkpoint may leave them out (a converted Piper voice does).
# The duration predictor's first coupling flow runs only in the training direction ("a useless vflow").
TRAINING_ONLY = ("posterior_encoder.", "duration_predictor.post_", "duration_predictor.flows.1.", "disc.")
