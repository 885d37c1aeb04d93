"""A cloud vendor's voice name says whether it is a woman's or a man's voice (core.vendor_voices)."""

import pytest

from studio.core.vendor_voices import FEMALE, MALE, voice_gender


@pytest.mark.parametrize("name,register", [
    ("en-US-AvaNeural", FEMALE), ("en-US-AndrewMultilingualNeural", MALE), ("en-GB-SoniaNeural", FEMALE),
    ("en-US-Ava:DragonHDLatestNeural", FEMALE), ("en-AU-WilliamNeural", MALE), ("en-US-GuyNeural", MALE),
    ("Joanna", FEMALE), ("Matthew", MALE), ("en-US_AllisonV3Voice", FEMALE), ("en-GB_JamesV3Voice", MALE),
    ("en-US-Neural2-C", FEMALE), ("en-US-Wavenet-D", MALE), ("en-US-Studio-O", FEMALE), ("en-US-Chirp-HD-D", MALE),
    ("shimmer", FEMALE), ("onyx", MALE), ("female-en", FEMALE), ("male-de", MALE),
])
def test_known_vendor_voices(name, register):
    assert voice_gender(name) == register


@pytest.mark.parametrize("name", [None, "", "NARRATOR", "zh-CN-XiaoxiaoNeural", "en-US-Neural2-Z", "alloy",
                                  "mix:a=0.5,b=0.5", "de-DE-Wavenet-A", "voice-en", "neutral-en"])
def test_unknown_names_are_none(name):
    assert voice_gender(name) is None
