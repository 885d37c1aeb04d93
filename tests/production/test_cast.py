"""Casting at import: each speaker of a dialogue gets its own cast voice, chosen with --cast, remembered."""

import pytest

from studio.cli import main
from studio.production.casting import parse_cast
from studio.production.inputs import Options, load

SRT = ("1\n00:00:01,000 --> 00:00:03,000\nALICE: Where were you?\n\n"
       "2\n00:00:03,500 --> 00:00:05,000\nBOB: Out walking.\n")


@pytest.fixture()
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.fixture()
def registry(neural):
    from studio.engine.voices.registry import NEURAL, VoiceRegistry

    r = VoiceRegistry()
    r._backbones[(NEURAL.backbone, NEURAL.model)] = neural  # the session's loaded voice, not a second copy
    return r


def _srt(tmp_path):
    path = tmp_path / "scene.srt"
    path.write_text(SRT)
    return path


def test_two_speakers_get_two_distinct_neural_voices_and_render(tmp_path, config, registry):
    from studio.engine.render.pipeline import render_segment

    script = load(_srt(tmp_path), Options(), registry, [])
    voices = {t.name: t.voice for t in script.project.tracks}
    assert voices["ALICE"] != voices["BOB"]
    assert {v.backbone for v in voices.values()} <= {"coqui", "hibari", "design"}  # neural or designed, never espeak
    designed = [v.model for v in voices.values() if v.backbone == "design"]
    assert set(designed) <= set(script.project.designs)  # the project carries its designed voices
    bob = next(s for s in script.project.segments if script.project.track(s.track_id).name == "BOB")
    result = render_segment(script.project, bob, registry)
    assert result.duration > 0.3 and len(result.boundaries) == len(bob.phonemes()) + 1


def test_cast_choice_is_remembered_per_speaker(tmp_path, config, registry):
    first = load(_srt(tmp_path), Options(cast={"alice": "Mara", "BOB": "Joe"}), registry, [])
    chosen = {t.name: t.voice.model for t in first.project.tracks}
    assert chosen == {"ALICE": "Mara", "BOB": "en_US-joe-medium"}
    again = load(_srt(tmp_path), Options(), registry, [])  # no --cast: the same voices as last time
    assert {t.name: t.voice.model for t in again.project.tracks} == chosen


@pytest.mark.parametrize("value, words", [(["ALICE"], "should be NAME=VOICE"), (["A=Joe,a=Mara"], "twice")])
def test_cast_syntax_errors_are_one_sentence(value, words):
    with pytest.raises(ValueError, match=words) as err:
        parse_cast(value)
    assert "\n" not in str(err.value) and str(err.value).endswith(".")


def test_cast_with_an_unknown_voice_fails_with_one_sentence(tmp_path, config, capsys):
    srt = _srt(tmp_path)
    assert main(["new", str(srt), "-o", str(tmp_path / "p.json"), "--cast", "BOB=Nobody"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("studio: --cast gives BOB the voice \"Nobody\"") and "\n" not in err
    assert "Traceback" not in err and not (tmp_path / "p.json").exists()


def test_unmapped_vendor_voices_in_ssml_get_distinct_cast_voices_not_remembered(tmp_path, config, registry):
    path = tmp_path / "scene.ssml"
    path.write_text('<?xml version="1.0"?><speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" '
                    'xml:lang="en-US"><voice name="en-US-AvaNeural">Good morning.</voice>'
                    '<voice name="en-US-AndrewNeural">Thanks, see you.</voice></speak>')
    notes = []
    script = load(path, Options(), registry, notes)
    voices = {t.name: t.voice for t in script.project.tracks}
    assert voices["en-US-AvaNeural"] != voices["en-US-AndrewNeural"]
    assert {v.backbone for v in voices.values()} <= {"coqui", "hibari", "design"}  # whole cast voices
    assert any("not mapped to a local voice" in n and "--voice-map" in n for n in notes)
    assert not (config / "speech-studio" / "casting.json").exists()  # a vendor's name is not remembered


def test_unmapped_vendor_voices_get_a_cast_voice_of_their_register(tmp_path, config, registry):
    """Ava is named first, though the cast's first voice is a man's: Ava still gets a woman's voice and Andrew a
    man's, and the note says why. (In cast order alone, Ava would be Joe.)"""
    from studio.engine.voices.cast import cast

    register = {v.voice: v.register for v in cast()}
    path = tmp_path / "scene.ssml"
    path.write_text('<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">'
                    '<voice name="en-US-AvaNeural">Hi there.</voice><voice name="en-US-AndrewNeural">Morning.</voice>'
                    '<voice name="Joanna">Hello.</voice><voice name="en-US-Wavenet-D">Good day.</voice></speak>')
    notes = []
    voices = {t.name: t.voice for t in load(path, Options(), registry, notes).project.tracks}
    assert register[voices["en-US-AndrewNeural"]] == "male" and register[voices["en-US-AvaNeural"]] == "female"
    assert register[voices["Joanna"]] == "female" and register[voices["en-US-Wavenet-D"]] == "male"
    assert len(set(voices.values())) == 4  # four cast voices, two of each register
    assert any("en-US-AvaNeural" in n and "a female voice, like en-US-AvaNeural" in n for n in notes)


def test_a_broken_hibari_install_is_passed_over_with_a_sentence(tmp_path, config, registry, monkeypatch):
    """hibari-tts installed but not importable (its onnxruntime missing, say): the import casts the next voice
    instead of stopping on a traceback, and naming Hibari says what to do in one sentence."""
    import sys

    from studio.engine.voices import hibari
    from studio.engine.errors import ModelError
    from studio.engine.voices.registry import HIBARI

    monkeypatch.setattr(hibari, "_loaded", None)
    monkeypatch.setitem(sys.modules, "hibari", None)  # its metadata is there; `import hibari` fails
    voices = {t.name: t.voice for t in load(_srt(tmp_path), Options(), registry, []).project.tracks}
    assert voices["ALICE"] != voices["BOB"] and HIBARI not in voices.values()
    with pytest.raises(ModelError) as err:
        hibari.load()
    assert "cannot be imported" in str(err.value) and "\n" not in str(err.value)
