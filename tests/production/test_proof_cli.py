"""`studio render --proof` and `--takes N`: the report's rows, the flagged lines on stderr, the winning take."""

import csv

from studio.cli import main
from studio.production.proofing import REPORT_FIELDS

SCRIPT = "ANNA: Hello there, my friend.\nBEN: The rain has stopped at last.\n"


def test_proof_writes_a_row_per_spoken_word_and_takes_report_the_winner(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "s.txt").write_text(SCRIPT)
    out = tmp_path / "out"
    code = main(["render", str(tmp_path / "s.txt"), "--voice", "embedded", "--loudness", "off", "-o", str(out),
                 "--proof", "--takes", "2"])
    assert code == 0
    err = capsys.readouterr().err
    with open(out / "proof-report.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == REPORT_FIELDS
    words = [(r[0], r[1]) for r in rows[1:]]
    assert words == [("1", w) for w in ["Hello", "there", "my", "friend"]] + \
        [("2", w) for w in ["The", "rain", "has", "stopped", "at", "last"]]
    times = [float(r[2]) for r in rows[1:]]
    assert times == sorted(times) and times[4] > times[3]  # mix times: line 2 comes after line 1
    assert {r[3] for r in rows[1:]} <= {"fine", "doubtful", "missing"}
    flagged = {r[0] for r in rows[1:] if r[3] != "fine"}
    for line in flagged:
        assert f"proof: line {line} " in err
    assert f"proof: {len(flagged)} of 2 lines flagged" in err
    assert err.count("studio: take:") == 2 and "take 1 (seed 0)" in err  # the embedded voice has no noise


def test_a_bad_number_of_takes_is_one_sentence(tmp_path, capsys):
    (tmp_path / "s.txt").write_text(SCRIPT)
    assert main(["render", str(tmp_path / "s.txt"), "--voice", "embedded", "-o", str(tmp_path / "o"),
                 "--takes", "0"]) == 2
    assert "--takes must be between 1 and 16" in capsys.readouterr().err
