"""espeak-ng voices found from espeak-ng's own voice list (issue 24, item 10): a language whose voice file is not
named by its code (French is "roa/fr", not "fr-fr", in espeak-ng 1.51) must still speak, in every language the
docs list."""

import pytest

from studio.core.language import _SCRIPTS, PYSBD_LANGUAGES
from studio.core.spoken import WORDS
from studio.engine.voices.embedded.espeak import Espeak, VoiceEntry, pick_voice
from studio.engine.voices.embedded.voice import language_speaker

# What the docs name: the languages of readable symbols (spoken.WORDS), of sentence rules (pysbd) and of the
# scripts that name their own language (Chinese, Japanese, Korean, Cyrillic, Greek, Arabic, Hebrew, ...).
DOCUMENTED = sorted(set(WORDS) | PYSBD_LANGUAGES | {lang for _, lang in _SCRIPTS})
SAMPLE = {"he": "שלום עולם"}  # espeak-ng's Hebrew reads no digits


@pytest.mark.parametrize("lang", DOCUMENTED)
def test_every_documented_language_speaks_with_its_espeak_voice(lang):
    espeak = Espeak.get()
    for index in (0, 1):  # the first track in the language and a second one (a variant of the voice)
        synth = espeak.synthesize(SAMPLE.get(lang, "1 2 3"), language_speaker(lang, index))
        assert len(synth.audio) > espeak.sample_rate // 10, (lang, index)


def test_french_speaks_french():
    ipa = "".join(i for i, _ in Espeak.get().phonemize("bonjour", language_speaker("fr")))
    assert ipa and "ʒ" in ipa


def test_a_voice_is_picked_by_language_from_espeaks_list():
    listed = [VoiceEntry("mb/mb-fr1", ((7, "fr-fr"), (7, "fr"))), VoiceEntry("roa/fr-BE", ((5, "fr-be"), (8, "fr"))),
              VoiceEntry("roa/fr", ((5, "fr-fr"), (5, "fr"))), VoiceEntry("roa/pt", ((5, "pt"), (5, "pt-pt")))]
    assert pick_voice("fr-fr+f2", listed) == "roa/fr+f2"
    assert pick_voice("fr", listed) == "roa/fr"
    assert pick_voice("fr-ca", listed) == "roa/fr"  # no Canadian voice: French
    assert pick_voice("pt-br", listed) == "roa/pt"
    assert pick_voice("xx", listed) is None


def test_an_unknown_voice_is_one_sentence():
    with pytest.raises(ValueError, match="no voice named 'qq-zz'"):
        Espeak.get().synthesize("hello", "qq-zz")
