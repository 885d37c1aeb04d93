"""`studio say` on the default neural voice and the embedded voice, listened to: voiced speech inside the word
spans, silence between sentences."""

import json
import subprocess
import sys

import librosa
import numpy as np
import pytest
import soundfile as sf

SENTENCE = "The quick brown fox jumps over the lazy dog."


@pytest.fixture(scope="module", params=["neural", "embedded"])
def spoken(tmp_path_factory, request):
    out = tmp_path_factory.mktemp("say")
    text = SENTENCE + " Then it ran away."
    voice = ["--voice", "embedded"] if request.param == "embedded" else []  # no --voice: the neural narrator
    result = subprocess.run([sys.executable, "-m", "studio.cli", "say", text, "-o", str(out / "out.wav"),
                             "--alignment", str(out / "a.json"), *voice], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    audio, sr = sf.read(out / "out.wav", dtype="float32")
    return audio, sr, json.loads((out / "a.json").read_text())


def test_alignment_schema_and_words(spoken):
    audio, sr, doc = spoken
    assert doc["sample_rate"] == sr == 22050
    words = [w for s in doc["segments"] for w in s["words"]]
    assert [w["text"] for w in words] == SENTENCE.rstrip(".").split() + ["Then", "it", "ran", "away"]
    times = [t for w in words for p in w["phonemes"] for t in (p["start"], p["end"])]
    assert times == sorted(times) and times[-1] <= len(audio) / sr
    for w in words:
        assert w["start"] == w["phonemes"][0]["start"] and w["end"] == w["phonemes"][-1]["end"]
        assert all(p["symbol"] for p in w["phonemes"])


def test_every_word_span_holds_voiced_speech_at_a_speaking_pitch(spoken):
    audio, sr, doc = spoken
    hop = 256
    # The neural voice is low and creaky (down to about 45 Hz at phrase ends): pyin needs a floor below that.
    f0, voiced, _ = librosa.pyin(audio, fmin=40, fmax=400, sr=sr, frame_length=2048, hop_length=hop)
    times = librosa.times_like(f0, sr=sr, hop_length=hop)
    words = [w for s in doc["segments"] for w in s["words"]]
    unvoiced = []
    for w in words:
        inside = (times >= w["start"]) & (times < w["end"])
        if voiced[inside].sum() < 2:
            unvoiced.append(w["text"])
            continue
        median = np.nanmedian(f0[inside & voiced])
        assert 50 < median < 200, f"'{w['text']}' has median F0 {median:.0f} Hz"
    # The neural voice ends a sentence in creak ("dog"), where pyin hears no voicing; one such word in thirteen
    # is allowed, no more.
    assert len(unvoiced) <= 1, f"no voiced frames in {unvoiced}"


def test_speech_starts_with_the_first_word_and_the_sentence_break_is_quiet(spoken):
    audio, sr, doc = spoken
    onset = np.argmax(np.abs(audio) > 0.02) / sr
    first = doc["segments"][0]["words"][0]
    # VITS spends its start token on about 60 ms of lead-in, which the first phoneme's span includes.
    assert abs(onset - first["start"]) < 0.08
    end_one = doc["segments"][0]["words"][-1]["end"]
    start_two = doc["segments"][1]["words"][0]["start"]
    assert start_two - end_one > 0.1  # espeak's pause after a full stop
    gap = audio[int(end_one * sr) + 200:int(start_two * sr) - 200]
    word = audio[int(first["start"] * sr):int(doc["segments"][0]["words"][1]["end"] * sr)]
    assert np.sqrt(np.mean(gap ** 2)) < 0.1 * np.sqrt(np.mean(word ** 2))


def test_same_text_twice_gives_identical_files(tmp_path):
    # Unsigned, the files are byte for byte the same; signed, their samples are (each manifest has its own
    # signature and date).
    for name, extra in (("a.wav", ["--no-credentials"]), ("b.wav", ["--no-credentials"]), ("c.wav", [])):
        subprocess.run([sys.executable, "-m", "studio.cli", "say", "Repeat after me.", "-o", str(tmp_path / name),
                        *extra], check=True, capture_output=True, timeout=120)
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    assert (tmp_path / "c.wav").read_bytes() != (tmp_path / "a.wav").read_bytes()
    assert np.array_equal(sf.read(tmp_path / "c.wav", dtype="int16")[0], sf.read(tmp_path / "a.wav", dtype="int16")[0])


def test_say_with_a_coqui_folder_and_a_speaker_mix(tiny_models, tmp_path):
    from studio.cli import main

    code = main(["say", "Hello there.", "-o", str(tmp_path / "c.wav"), "--voice", str(tiny_models["vits_multispeaker"]),
                 "--alignment", str(tmp_path / "c.json")])
    assert code == 0
    audio, sr = sf.read(tmp_path / "c.wav")
    doc = json.loads((tmp_path / "c.json").read_text())
    assert [w["text"] for w in doc["segments"][0]["words"]] == ["Hello", "there"]
    assert doc["segments"][0]["end"] <= len(audio) / sr + 1e-9


def test_say_offline_zoo_model_falls_back_with_one_sentence(tmp_path, capsys, monkeypatch):
    from TTS.utils.manage import ModelManager

    from studio.cli import main

    monkeypatch.setattr(ModelManager, "download_model",
                        lambda self, name: (_ for _ in ()).throw(ConnectionError("offline")))
    code = main(["say", "Hello.", "-o", str(tmp_path / "f.wav"), "--voice", "tts_models/en/vctk/vits"])
    err = capsys.readouterr().err
    assert code == 0 and (tmp_path / "f.wav").exists()
    assert "Could not download tts_models/en/vctk/vits" in err and "embedded voice instead" in err
    assert "Traceback" not in err


def test_say_with_no_words_is_refused(tmp_path, capsys):
    from studio.cli import main

    assert main(["say", "   ", "-o", str(tmp_path / "x.wav")]) == 2
    assert "no text" in capsys.readouterr().err
    assert not (tmp_path / "x.wav").exists()


def test_voices_lists_capabilities_and_licenses(tiny_models, capsys):
    from studio.cli import main

    assert main(["voices", "--json", "--models", str(tiny_models["fastpitch"].parent)]) == 0
    entries = json.loads(capsys.readouterr().out)
    by_name = {e["name"]: e for e in entries}
    assert by_name["en-us+f2"]["kind"] == "embedded" and by_name["en-us+f2"]["status"] == "ready"
    fs2 = by_name[str(tiny_models["fastspeech2"])]
    assert fs2["pitch"] and fs2["energy"] and fs2["duration"] and fs2["mix"] and fs2["license"] == "MPL-2.0"
    assert by_name["tts_models/multilingual/multi-dataset/xtts_v2"]["status"] == "unsupported"
    assert by_name["tts_models/en/vctk/fast_pitch"]["commercial_use"] is False
