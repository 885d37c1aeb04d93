import os
import tempfile

# Every Qt test runs headless; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests convert the neural voice into their own model store (once per machine, a few seconds), never the user's.
os.environ.setdefault("STUDIO_MODELS", os.path.join(tempfile.gettempdir(), "speech-studio-test-models"))

# Remembered casting and the voice library are user data: tests write them to a folder of their own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="speech-studio-test-config-")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property tests explore new random inputs on every local run (that is how they find bugs); CI replays a fixed
# sequence (HYPOTHESIS_PROFILE=ci in .ci/run), so a submission passes or fails on its code, not on the draw.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Small FastPitch, FastSpeech2 (multi-speaker, with energy), VITS (multi-speaker) and HiFiGAN folders."""
    from tests.models import make_tiny

    return make_tiny(tmp_path_factory.mktemp("tiny_models"))


@pytest.fixture(scope="session")
def neural():
    """The default narrator: the Piper joe voice converted into a Coqui VITS folder and loaded like any model."""
    from studio.engine.voices.registry import NEURAL, VoiceRegistry

    return VoiceRegistry().backbone(NEURAL)
