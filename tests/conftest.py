import os

# Every Qt test runs headless; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Small FastPitch, FastSpeech2 (multi-speaker, with energy), VITS (multi-speaker) and HiFiGAN folders."""
    from tests.models import make_tiny

    return make_tiny(tmp_path_factory.mktemp("tiny_models"))
