"""SSML notes as vendor examples need them (issue 24, item 12): an ordinal read and not reported, one casting
note per vendor voice, and warnings for an unknown effect, an unknown mstts:silence type and a bogus xml:lang."""

import pytest

from studio.interchange.ssml import parse

MSTTS = 'xmlns:mstts="https://www.w3.org/2001/mstts"'


@pytest.mark.parametrize("written, said", [("1", "first"), ("1st", "first"), ("22nd", "twenty-second"),
                                           ("3rd", "third"), ("third", "third")])
def test_ordinals_are_read_and_not_reported(written, said):
    sentences, warnings = parse(f'<speak>The <say-as interpret-as="ordinal">{written}</say-as> one.</speak>')
    assert sentences[0].text == f"The {said} one." and warnings == []


def test_an_ordinal_is_read_in_the_text_language():
    sentences, warnings = parse('<speak xml:lang="fr-FR">La <say-as interpret-as="ordinal">2</say-as> fois.</speak>')
    assert "deuxième" in sentences[0].text and warnings == []


@pytest.mark.parametrize("doc, warned", [
    (f'<speak {MSTTS}><voice name="en-US-AvaNeural" effect="eq_bogus">Hi there.</voice></speak>', 'effect="eq_bogus"'),
    ('<speak><amazon:effect name="robotic">Hi there.</amazon:effect></speak>', 'name="robotic"'),
    ('<speak><amazon:effect vocal-tract-length="+10%">Hi there.</amazon:effect></speak>', 'vocal-tract-length'),
    (f'<speak {MSTTS}><mstts:silence type="Bogus" value="200ms"/>Hi there.</speak>', 'type="Bogus"'),
    (f'<speak {MSTTS}><mstts:silence type="Bogus"/>Hi there.</speak>', 'type="Bogus"'),
    ('<speak xml:lang="english">Hi there.</speak>', 'xml:lang="english"'),
    ('<speak xml:lang="xx-YY">Hi there.</speak>', 'xml:lang="xx-YY"'),
    ('<speak>Hi <lang xml:lang="e1">there.</lang></speak>', 'xml:lang="e1"'),
])
def test_unknown_effects_silence_types_and_languages_are_warned_about(doc, warned):
    sentences, warnings = parse(doc)
    assert sentences and any(warned in w for w in warnings), warnings


def test_a_bogus_language_keeps_the_language_around_it():
    sentences, _ = parse('<speak xml:lang="de-DE">Guten Tag. <lang xml:lang="german">Wie geht es?</lang></speak>')
    assert [s.language for s in sentences] == ["de", "de"]


@pytest.mark.parametrize("doc", ['<speak xml:lang="en-US">Hi. <lang xml:lang="cmn-Hans-CN">ni hao</lang></speak>',
                                 '<speak xml:lang="es-419">Hola.</speak>', '<speak xml:lang="fil">Kumusta.</speak>'])
def test_real_language_tags_are_not_warned_about(doc):
    assert parse(doc)[1] == []


def test_one_vendor_voice_gets_one_voice_and_one_note_in_every_language():
    from studio.core.model import Project
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production.casting import Casting

    notes: list[str] = []
    casting = Casting(VoiceRegistry(), None, notes, {}, "en", remember=False)
    if not casting.use_cast:
        pytest.skip("no default cast of neural voices on this machine")
    project = Project()
    english = casting.track(project, "en-US-AvaNeural", "en", vendor=True)
    again = casting.track(project, "en-US-AvaNeural", "en", vendor=True)
    german = casting.track(project, "en-US-AvaNeural", "de", vendor=True)
    assert again is english and german is not english
    about = [n for n in notes if "en-US-AvaNeural" in n and "cast's" in n]
    assert len(about) == 1, notes
