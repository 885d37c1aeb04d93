"""One list of hostile texts through `studio say` and `studio render`: each is rendered sensibly or refused with
one clear sentence, within a bounded time, and nothing crashes."""

import time

import pytest
import soundfile as sf

from studio.cli import main

HOSTILE = {
    "empty": "",
    "whitespace": "   \t\n  ",
    "emoji": "Good morning 😀🎉🚀 everyone.",
    "control": "Hello\x00\x07 there\x1b[31m, red\x7f text.",
    "mixed_rtl": "Hello שלום world, مرحبا بالعالم, and Привет.",
    "numbers_dates": "On 12/03/2024 at 3:45pm, Dr. Smith paid $1,234.56 for 3 items (approx. 10% off).",
    "url": "Visit https://example.com/a?b=c&d=e or write to me@example.org today.",
    "unmatched_ssml": "<speak><prosody pitch='+2st'>unclosed</speak>",
    "angle_brackets": "5 < 6 & 7 > 3 is true.",
    "bidi_overrides": "Left \u202eright\u202c and zero\u200bwidth.",
    "long_word": "a" * 5000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_say_renders_or_refuses_each_hostile_text(name, tmp_path, capsys):
    out = tmp_path / "out.wav"
    t = time.perf_counter()
    code = main(["say", HOSTILE[name], "-o", str(out)])
    elapsed = time.perf_counter() - t
    err = capsys.readouterr().err
    assert elapsed < 60
    assert "Traceback" not in err
    if code == 0:
        audio, rate = sf.read(out)
        assert len(audio) > 0 and rate == 22050
    else:
        assert code == 2 and err.startswith("studio: ") and len(err.strip().splitlines()) == 1
        assert not out.exists()


def test_100000_characters_are_refused_by_say_at_once(tmp_path, capsys):
    t = time.perf_counter()
    assert main(["say", "word " * 20_000, "-o", str(tmp_path / "x.wav")]) == 2
    assert time.perf_counter() - t < 2
    assert "more than 20,000" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["emoji", "control", "mixed_rtl", "numbers_dates", "url", "angle_brackets"])
def test_render_takes_the_same_texts_as_scripts(name, tmp_path, capsys):
    (tmp_path / "in.txt").write_text(HOSTILE[name], encoding="utf-8")
    code = main(["render", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 0 and (tmp_path / "out" / "mix.wav").is_file()


@pytest.mark.parametrize("name", ["empty", "whitespace"])
def test_render_refuses_empty_scripts(name, tmp_path, capsys):
    (tmp_path / "in.txt").write_text(HOSTILE[name], encoding="utf-8")
    assert main(["render", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out")]) == 2
    assert "no text" in capsys.readouterr().err
