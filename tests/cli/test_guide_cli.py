"""`studio say --guide --mix` re-voices the ARCTIC recording, and `studio anonymity --reference` judges the result
with the trained verifier; a recording that does not match its text gets one sentence and exit code 2."""

import subprocess
import sys
from pathlib import Path

import soundfile as sf

from studio.cli import main

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = str(ROOT / "assets" / "speech" / "arctic_a0007.wav")
TEXT = "And you always want to see it in the superlative degree."


def test_say_with_a_guide_and_a_mix_then_the_verifier_does_not_link_it(tmp_path, capsys):
    out = tmp_path / "anon.wav"
    assert main(["say", TEXT, "--guide", ARCTIC, "--mix", "en_US-joe-medium=0.4,en-us+f2=0.3,en+f3=0.3",
                 "-o", str(out)]) == 0
    audio, sr = sf.read(out)
    recorded = sf.info(ARCTIC).duration
    # the recording's speech runs from 0.37 s to 3.49 s (its aligned words); the output has no lead-in silence
    assert sr == 22050 and abs(len(audio) / sr - (3.49 - 0.37)) < 0.35 and len(audio) / sr < recorded
    capsys.readouterr()
    assert main(["anonymity", "--audio", str(out), "--reference", ARCTIC]) == 0
    said = capsys.readouterr().out
    assert "calibrated" in said and "below" in said and "does not link them" in said


def test_the_recording_against_itself_is_the_same_speaker(capsys):
    assert main(["anonymity", "--audio", ARCTIC, "--reference", ARCTIC]) == 1
    assert "GE2E similarity 1.000" in capsys.readouterr().out


def test_a_recording_that_does_not_say_the_text_names_the_word(tmp_path):
    out = tmp_path / "x.wav"
    result = subprocess.run([sys.executable, "-m", "studio.cli", "say", TEXT.replace("see", "hear"), "--guide", ARCTIC,
                             "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("studio: ") and "note:" not in line]
    assert len(lines) == 1 and "'hear'" in lines[0] and "Traceback" not in result.stderr
    assert not out.exists()


def test_a_missing_guide_and_a_bad_mix_are_one_sentence_each(tmp_path, capsys):
    assert main(["say", TEXT, "--guide", str(tmp_path / "none.wav"), "-o", str(tmp_path / "x.wav")]) == 2
    assert "There is no recording" in capsys.readouterr().err
    assert main(["say", TEXT, "--mix", "nobody=1", "-o", str(tmp_path / "x.wav")]) == 2
    assert "has no speaker nobody" in capsys.readouterr().err
    assert main(["anonymity", "--audio", ARCTIC]) == 2
    assert "--reference" in capsys.readouterr().err
