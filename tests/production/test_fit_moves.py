"""Issue 15.8: a line of one speaker never changes place silently. With --shift every move is reported (which
cue, from where to where, after which line of the same speaker); by default, with cues kept on time, every
overlap of one speaker's lines is reported instead. Both go to the output and to timing-report.csv."""

import csv

from studio.cli import main
from studio.production.report import CueTiming, summary

# Cue 1 cannot fit 0.4 s even at the fastest natural rate, so ANNA is still speaking when cue 2 comes.
OVERLAP = """1
00:00:01,000 --> 00:00:01,400
ANNA: This is a rather long line that cannot fit in its short cue at all.

2
00:00:01,600 --> 00:00:03,000
ANNA: Next.

3
00:00:05,000 --> 00:00:06,000
BEN: Fine.
"""


def _render(tmp_path, capsys, *extra):
    (tmp_path / "o.srt").write_text(OVERLAP)
    out = tmp_path / ("shift" if extra else "kept")
    assert main(["render", str(tmp_path / "o.srt"), "-o", str(out), "--voice", "embedded", "--fit", "compress",
                 *extra]) == 0
    with open(out / "timing-report.csv", newline="", encoding="utf-8") as f:
        return capsys.readouterr().err, list(csv.DictReader(f))


def test_each_move_of_a_cue_is_reported_with_from_to_and_why(tmp_path, capsys):
    err, rows = _render(tmp_path, capsys, "--shift")
    moved = [ln for ln in err.splitlines() if "moved from" in ln]
    assert len(moved) == 1, err
    to = rows[1]["actual_start"]
    assert moved[0].startswith("studio: cue 2 (ANNA) moved from 00:00:01.600 to 00:00:0")
    assert "cue 1 of the same speaker was still speaking" in moved[0]
    assert float(to) > 3.0 and rows[1]["note"] == "moved after cue 1" and rows[1]["previous"] == "cue 1"
    assert rows[0]["note"] == "" and rows[2]["note"] == ""  # BEN's line is alone on its track


def test_overlapping_lines_of_one_speaker_are_reported_when_cues_stay_on_time(tmp_path, capsys):
    err, rows = _render(tmp_path, capsys)
    lines = [ln for ln in err.splitlines() if "same speaker" in ln]
    assert len(lines) == 1, err
    assert lines[0].startswith("studio: cue 2 (ANNA) at 00:00:01.600 starts while cue 1 of the same speaker")
    assert "--shift" in lines[0]
    assert float(rows[1]["start_delay"]) == 0.0 and rows[1]["note"].startswith("overlaps cue 1 by ")


def test_a_move_shorter_than_a_frame_is_still_reported():
    row = CueTiming(4, "ANNA", "Yes.", 10.0, 11.0, 10.01, 10.5, 0.01, -0.5, 1.0, "on time", "moved after cue 3",
                    "cue 3", 10.01)
    lines = summary([row], 1 / 25)
    assert any("cue 4 (ANNA) moved from 00:00:10.000 to 00:00:10.010 (+0.01 s): cue 3" in ln for ln in lines)
