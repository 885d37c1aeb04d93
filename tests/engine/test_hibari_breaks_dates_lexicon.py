"""hibari as SSML and the lexicon use it (issue 24, items 14 and 15): a break is silence, a date keeps its year
in its own word, and an IPA lexicon entry is applied in hibari's alphabet."""

import json

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("hibari", reason="hibari-tts is not installed (it is a dependency in pyproject.toml)")

from studio.cli import main  # noqa: E402
from studio.core.model import SpeakerMix  # noqa: E402
from studio.engine.voices.backbone import LexiconAnalyzer  # noqa: E402
from studio.engine.voices.hibari.frontend import from_ipa, tokenize  # noqa: E402
from studio.engine.voices.registry import HIBARI, VoiceRegistry  # noqa: E402


@pytest.fixture(scope="module")
def registry():
    return VoiceRegistry()


@pytest.mark.parametrize("voice", ["hibari", "embedded"])
def test_a_break_is_silence_whatever_the_voice(tmp_path, voice):
    (tmp_path / "b.ssml").write_text('<speak>Wait for it <break time="400ms"/> and then go on.</speak>',
                                     encoding="utf-8")
    assert main(["render", str(tmp_path / "b.ssml"), "-o", str(tmp_path / "out"), "--voice", voice,
                 "--loudness", "off"]) == 0
    words = [w for s in json.loads((tmp_path / "out" / "alignment.json").read_text())["segments"]
             for w in s["words"] if w["text"]]
    audio, rate = sf.read(tmp_path / "out" / "mix.wav")
    gap = next((a, b) for a, b in zip(words, words[1:]) if b["start"] - a["end"] > 0.3)
    x = audio[int(gap[0]["end"] * rate):int(gap[1]["start"] * rate)]
    hop = rate // 100
    level = 20 * np.log10(np.sqrt((x[:len(x) // hop * hop].reshape(-1, hop) ** 2).mean(1)) + 1e-9)
    assert np.mean(level < -60) >= 0.9, f"{np.mean(level < -60):.2f} of the break is silent"


def test_a_date_keeps_its_year_in_its_own_word(registry):
    tts = registry.backbone(HIBARI).tts
    for text in ("It was 10/19/2010.", "We met on 10/19/2010 at noon."):
        words = {w.text: "".join(g.symbol for g in w.phonemes) for w in tokenize(tts, text).words if w.text}
        assert "twɛntitɛn" in words["10/19/2010"] and words["10/19/2010"].startswith("ɑktObəɹ"), words
        assert words.get("was", "wʌz") == "wʌz" and words.get("at", "æt") == "æt"


def test_an_ipa_lexicon_entry_is_applied_in_hibaris_alphabet(registry):
    plain = registry.analyze("A tomato, please.", HIBARI, SpeakerMix())
    lexicon = LexiconAnalyzer(registry, lambda: {"tomato": "/təˈmɑːtoʊ/", "New York": "/ˈnuː ˈjɔːrk/"})
    said = lexicon.analyze("A tomato, please.", HIBARI, SpeakerMix())
    tomato = ["".join(p.symbol for p in w.phonemes) for w in said if w.text == "tomato"]
    assert tomato == [from_ipa("təmɑːtoʊ").replace("ˈ", "")] and tomato[0] != \
        next("".join(p.symbol for p in w.phonemes) for w in plain if w.text == "tomato")
    words = lexicon.analyze("I flew to New York today.", HIBARI, SpeakerMix())
    assert [w.text for w in words if w.text] == ["I", "flew", "to", "New", "York", "today"]
