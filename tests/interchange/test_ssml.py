"""SSML: parsing, the mapping to edits, warnings for what is not supported, and measured results via studio say."""

import json

import numpy as np
import pytest
import soundfile as sf

from studio.cli import main
from studio.interchange.ssml import SsmlError, parse, parse_pitch, parse_rate, parse_volume
from tests.measure import f0_track, median_f0, rms, semitones

SENTENCE = "The quick brown fox jumps over the lazy dog."


def test_prosody_values():
    w = []
    assert parse_pitch("+4st", w) == 4.0 and parse_pitch("-2.5st", w) == -2.5
    assert parse_pitch("+20%", w) == pytest.approx(12 * np.log2(1.2))
    assert parse_pitch("high", w) == 3.0 and parse_pitch("x-low", w) == -6.0
    assert parse_rate("80%", w) == 0.8 and parse_rate("+25%", w) == 1.25 and parse_rate("slow", w) == 0.75
    assert parse_volume("+6dB", w) == 6.0 and parse_volume("loud", w) == 6.0
    assert w == []
    assert parse_pitch("+10Hz", w) == 0.0 and "not supported" in w[-1]


def test_structure_voices_emotion_and_breaks():
    doc = """<speak xmlns:mstts="https://www.w3.org/2001/mstts">
      <voice name="en-us">One <prosody rate="50%">two</prosody> <break time="700ms"/> three.</voice>
      <voice name="mix:en-us=0.3,en+f3=0.7"><mstts:express-as style="sad" styledegree="1.5">Four five.</mstts:express-as></voice>
    </speak>"""
    sentences, warnings = parse(doc)
    assert warnings == []
    assert [s.text.split() for s in sentences] == [["One", "two", "three."], ["Four", "five."]]
    assert [s.voice for s in sentences] == ["en-us", "mix:en-us=0.3,en+f3=0.7"]
    assert sentences[0].words[1].rate == 0.5 and sentences[0].breaks_after == {1: 0.7}
    assert sentences[1].emotion.name == "sad" and sentences[1].emotion.intensity == 1.5


def test_unsupported_tags_warn_and_are_never_silently_misread():
    sentences, warnings = parse('<speak>Call <phoneme alphabet="x-sampa" ph="x">me</phoneme> <foo>now</foo>.'
                                '<mstts:express-as xmlns:mstts="m" style="poetic">Hi.</mstts:express-as></speak>')
    text = " ".join(s.text for s in sentences)
    assert "me" in text and "now" in text
    assert any("<phoneme" in x and "spoken as written" in x for x in warnings)
    assert any("<foo>" in x for x in warnings)
    assert any("poetic" in x and "neutral" in x for x in warnings)


def test_phoneme_ipa_becomes_a_lexicon_entry_and_changes_the_phonemes():
    from studio.core.model import SpeakerMix, Track, VoiceRef, new_id
    from studio.engine.voices.registry import VoiceRegistry
    from studio.interchange import ssml
    from studio.production.importing import build_project

    def project_of(doc):
        sentences, warnings = parse(doc)
        cast = lambda p, line: p.tracks[0] if p.tracks else p.tracks.append(  # noqa: E731
            Track(new_id(), "Voice", VoiceRef(), SpeakerMix())) or p.tracks[0]
        project = build_project(ssml.lines(sentences), VoiceRegistry(), cast=cast, lexicon=ssml.lexicon(sentences),
                                spoken=lambda line, track: ssml.spoken_line(line, track.language),
                                finish=lambda seg, line: ssml.apply_prosody(seg, line, warnings))
        return project, sentences, warnings

    plain, _, _ = project_of("<speak>We met Nguyen today.</speak>")
    tagged, sentences, warnings = project_of(
        '<speak>We met <phoneme alphabet="ipa" ph="wɪn">Nguyen</phoneme> today.</speak>')
    assert warnings == [] and sentences[0].lexicon == {"Nguyen": "/wɪn/"}
    assert tagged.lexicon == {"Nguyen": "/wɪn/"}  # kept, so a later edit of the line says it the same way
    said = {w.text: "".join(p.symbol for p in w.phonemes) for w in tagged.segments[0].words if w.text}
    before = {w.text: "".join(p.symbol for p in w.phonemes) for w in plain.segments[0].words if w.text}
    assert "Nguyen" in said and said["Nguyen"] != before["Nguyen"]  # the word keeps its spelling, not its sound
    assert said["Nguyen"] == "wɪn" and before["Nguyen"] == "nuːjɛn"  # the embedded voice reads the IPA as given
    # IPA that cannot be read is said so, in one sentence, and the word is read as written.
    _, sentences, warnings = project_of('<speak>Hi <phoneme ph="ʘʘ">Bob</phoneme>.</speak>')
    assert sentences[0].lexicon == {} and "cannot be used" in warnings[0]


@pytest.mark.parametrize("doc, phrase", [("<speak>unclosed", "not well-formed"), ("<voice>x</voice>", "<speak>"),
                                         ('<!DOCTYPE x [<!ENTITY a "b">]><speak>&a;</speak>', "entities")])
def test_bad_ssml_gives_one_sentence(doc, phrase):
    with pytest.raises(SsmlError, match=phrase):
        parse(doc)


def _say(tmp_path, name, text, *extra):
    """`studio say` on the embedded voice (the neural voice's SSML is measured in tests/engine)."""
    wav, align = tmp_path / f"{name}.wav", tmp_path / f"{name}.json"
    assert main(["say", text, "-o", str(wav), "--alignment", str(align), "--voice", "embedded", *extra]) == 0
    audio, sr = sf.read(wav, dtype="float32")
    return audio, sr, json.loads(align.read_text())["segments"][0]["words"]


def test_ssml_pitch_and_volume_through_studio_say(tmp_path):
    plain = _say(tmp_path, "plain", SENTENCE)
    marked = _say(tmp_path, "ssml", '<speak>The quick <prosody pitch="+4st">brown</prosody> fox jumps '
                                    '<prosody volume="+6dB">over</prosody> the lazy dog.</speak>')
    (a0, sr, w0), (a1, _, w1) = plain, marked
    t0, t1 = f0_track(a0, sr), f0_track(a1, sr)
    for i, (x, y) in enumerate(zip(w0, w1)):
        change = semitones(median_f0(None, None, y["start"], y["end"], t1), median_f0(None, None, x["start"], x["end"], t0))
        if x["text"] == "brown":
            assert change == pytest.approx(4.0, abs=0.7)
        else:
            assert abs(change) < 0.5, x["text"]
    over0, over1 = next(w for w in w0 if w["text"] == "over"), next(w for w in w1 if w["text"] == "over")
    ratio = rms(a1, sr, over1["start"], over1["end"]) / rms(a0, sr, over0["start"], over0["end"])
    assert ratio == pytest.approx(2.0, rel=0.15)


def test_ssml_emotion_rate_and_break_through_studio_say(tmp_path):
    plain = _say(tmp_path, "plain", SENTENCE)
    happy = _say(tmp_path, "happy", f'<speak><mstts:express-as xmlns:mstts="m" style="cheerful">{SENTENCE}'
                                    '</mstts:express-as></speak>')
    slow = _say(tmp_path, "slow", f'<speak><prosody rate="80%">{SENTENCE}</prosody></speak>')
    brk = _say(tmp_path, "break", '<speak>The quick brown fox <break time="800ms"/> jumps over the lazy dog.</speak>')

    def span(words):
        return words[-1]["end"] - words[0]["start"]
    assert median_f0(happy[0], happy[1]) > 1.03 * median_f0(plain[0], plain[1])
    assert span(happy[2]) < 0.95 * span(plain[2])
    assert span(slow[2]) == pytest.approx(span(plain[2]) / 0.8, rel=0.05)
    words = brk[2]
    gap = words[4]["start"] - words[3]["end"]
    assert gap == pytest.approx(0.8, abs=0.03)


def test_ssml_voice_mix_and_unmapped_voice(tmp_path, capsys):
    audio, sr, _ = _say(tmp_path, "mix", '<speak><voice name="mix:en-us=0.5,en-us+f2=0.5">Hello there.</voice></speak>')
    assert len(audio) > 0
    # An unknown name speaks with the default voice and says how to map it (issue 14.6).
    assert main(["say", '<speak><voice name="nobody">Hi.</voice></speak>', "-o", str(tmp_path / "x.wav"),
                 "--voice", "embedded"]) == 0
    err = capsys.readouterr().err
    assert '"nobody" is not mapped' in err and "--voice-map nobody=" in err


def test_studio_new_accepts_an_ssml_file(tmp_path):
    from studio.core.project_io import load

    path = tmp_path / "scene.ssml"
    path.write_text('<speak><voice name="en-us">Hello <prosody pitch="+2st">there</prosody>.</voice>'
                    '<voice name="en+f3">Hi back.</voice></speak>')
    assert main(["new", str(path), "-o", str(tmp_path / "scene.json")]) == 0
    project = load(tmp_path / "scene.json")
    assert [t.name for t in project.tracks] == ["en-us", "en+f3"]
    there = next(w for w in project.segments[0].words if w.text == "there")
    assert all(p.pitch_st == 2.0 for p in there.phonemes)
