"""Issue 15: hostile and huge input through the `studio` command. Each case either works or ends with exit 2
and one sentence on stderr, never a traceback. Projects are built with the embedded voice so each case is fast."""

import json
import os
import stat

import pytest

from studio.cli import main
from studio.core.model import SpeakerMix
from studio.core.project_io import ProjectFileError, loads

SCRIPT = "ANNA: Hello there, my friend.\nBEN: The rain has stopped at last.\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base")
    (folder / "s.txt").write_text(SCRIPT)
    assert main(["new", str(folder / "s.txt"), "--voice", "embedded", "-o", str(folder / "p.json")]) == 0
    return json.loads((folder / "p.json").read_text())


def one_sentence(capsys, code, expect_code=2) -> str:
    err = capsys.readouterr().err
    assert code == expect_code, err
    assert "Traceback" not in err
    lines = [ln for ln in err.strip().splitlines() if not ln.startswith("rendering")]
    assert len(lines) == 1 and lines[0].startswith("studio: "), err
    return lines[0]


def _set(path, value):
    def apply(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return apply


def _empty_phonemes(doc):
    doc["segments"][0]["words"][0]["phonemes"] = []


CORRUPT = {
    "huge int as a float": (_set(["segments", 0, "words", 0, "phonemes", 0, "pitch"], 10**400), "not a finite"),
    "huge int as an int": (_set(["segments", 0, "seed"], 10**30), "too large"),
    "huge start": (_set(["segments", 0, "start"], 10**6), "outside"),
    "lone surrogate in the title": (_set(["title"], "\ud800 title"), "not valid Unicode"),
    "lone surrogate in a key": (_set(["lexicon"], {"\udc00x": "y"}), "not valid Unicode"),
    "empty phoneme list": (_empty_phonemes, "no phonemes"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_a_corrupt_project_is_one_sentence_and_exit_2(case, base, tmp_path, capsys):
    change, phrase = CORRUPT[case]
    doc = json.loads(json.dumps(base))
    change(doc)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))  # ensure_ascii: a lone surrogate is written as \ud800, as JSON allows
    line = one_sentence(capsys, main(["render", str(path), "-o", str(tmp_path / "out")]))
    assert phrase in line
    with pytest.raises(ProjectFileError):
        loads(path.read_text())


def test_devices_and_fifos_are_not_opened_as_files(tmp_path, capsys):
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    for path in ("/dev/zero", str(fifo)):
        for command in (["render", path, "-o", str(tmp_path / "out")], ["new", path, "-o", str(tmp_path / "n.json")]):
            line = one_sentence(capsys, main(command))
            assert "not a regular file" in line


@pytest.mark.parametrize("name, text, phrase", [
    ("hours.srt", "1\n99999999999999999999:00:00,000 --> 99999999999999999999:00:01,000\nHello.\n", "timestamp"),
    ("day.srt", "1\n30:00:00,000 --> 30:00:01,000\nHello.\n", "beyond the 24 hours"),
    ("day.vtt", "WEBVTT\n\n30:00:00.000 --> 30:00:01.000\nHello.\n", "beyond the 24 hours"),
    ("deep.ssml", "<speak>" + "<s>" * 5000 + "hi" + "</s>" * 5000 + "</speak>", "nests elements"),
])
def test_hostile_inputs_are_one_sentence_and_exit_2(name, text, phrase, tmp_path, capsys):
    (tmp_path / name).write_text(text)
    line = one_sentence(capsys, main(["render", str(tmp_path / name), "--voice", "embedded", "-o",
                                      str(tmp_path / "out")]))
    assert phrase in line


@pytest.mark.parametrize("rate", ["0", "-5", "99999999999", "1e400", "nan", "fast"])
def test_a_bad_rate_is_one_sentence_and_exit_2(rate, tmp_path, capsys):
    (tmp_path / "s.txt").write_text(SCRIPT)
    code = main(["render", str(tmp_path / "s.txt"), "--voice", "embedded", "--rate", rate, "-o", str(tmp_path / "o")])
    assert "--rate" in one_sentence(capsys, code)
    assert not (tmp_path / "o").exists()


def test_a_rate_in_kilohertz_is_understood():
    from studio.cli import _sample_rate

    assert _sample_rate("48k") == 48000 and _sample_rate("44.1k") == 44100 and _sample_rate("22050") == 22050


def test_prosody_that_underflows_or_overflows_is_limited_with_a_note(tmp_path, capsys):
    from studio.interchange.ssml import parse

    under = "<speak>" + '<prosody rate="0.0000001%">' * 60 + "Hello there." + "</prosody>" * 60 + "</speak>"
    over = '<speak><prosody pitch="+' + "9" * 400 + 'st" volume="+' + "9" * 400 + 'dB">Hello.</prosody></speak>'
    for text in (under, over):
        sentences, warnings = parse(text)
        words = [w for s in sentences for w in s.words]
        assert all(0.1 <= w.rate <= 10 and abs(w.pitch_st) <= 24 and abs(w.volume_db) <= 40 for w in words)
        assert any("was limited" in w for w in warnings)
    (tmp_path / "u.ssml").write_text(under)
    assert main(["say", str(tmp_path / "u.ssml"), "--voice", "embedded", "-o", str(tmp_path / "u.wav")]) == 0


def test_mix_weights_that_overflow_or_underflow_keep_their_shares():
    assert SpeakerMix.of({"a": 1e308, "b": 1e308}).weights == (("a", 0.5), ("b", 0.5))
    assert SpeakerMix.of({"a": 1e-320, "b": 3e-320}).weights == (("a", 0.25), ("b", 0.75))


def test_ssml_with_an_xml_declaration_bom_and_comment_is_read_as_ssml(tmp_path, capsys):
    (tmp_path / "scene.txt").write_bytes(b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- note -->\n'
                                         b'<speak version="1.0">Hello there.</speak>\n')
    assert main(["new", str(tmp_path / "scene.txt"), "--voice", "embedded", "-o", str(tmp_path / "p.json")]) == 0
    assert "(ssml)" in capsys.readouterr().out
    assert main(["say", '<?xml version="1.0"?><speak>Hello there.</speak>', "--voice", "embedded", "-o",
                 str(tmp_path / "a.wav")]) == 0


def test_a_lone_surrogate_from_the_command_line_is_spoken_around_not_crashed_on(tmp_path, capsys):
    (tmp_path / "s.txt").write_text("A: Hello there.\n")
    assert main(["say", "Hello \udcff there.", "--voice", "embedded", "-o", str(tmp_path / "a.wav")]) == 0
    assert "Traceback" not in capsys.readouterr().err
