"""Exports of a dub as real files need them (issue 24, items 7-9): --speakers order in every timing file, one
name for the default track, no speaker name on unlabelled cues, cue positions where numbers repeat, and no
overlap notes below one video frame."""

import csv
from types import SimpleNamespace

import opentimelineio as otio
import pytest
from praatio import textgrid

from studio.cli import main
from studio.core.model import Project, Segment, Track, new_id
from studio.production import report
from studio.production.inputs import CueInfo, Script

DIALOGUE = """WEBVTT

00:00:01.000 --> 00:00:03.000
It was late.

00:00:04.000 --> 00:00:06.000
ANNA: Is anyone here?

00:00:07.000 --> 00:00:09.000
BOB: Only me. Q&amp;A at <00:00:08.000>5 &lt; 6.

00:00:10.000 --> 00:00:12.000
NARRATOR: And the night went on.
"""


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory):
    root = tmp_path_factory.mktemp("order")
    (root / "scene.vtt").write_text(DIALOGUE, encoding="utf-8")
    code = main(["render", str(root / "scene.vtt"), "-o", str(root / "out"), "--voice", "embedded",
                 "--speakers", "BOB,NARRATOR,ANNA"])
    assert code == 0
    return root / "out"


def test_speakers_order_is_kept_in_textgrid_and_otio(dialogue):
    tg = textgrid.openTextgrid(str(dialogue / "alignment.TextGrid"), includeEmptyIntervals=False)
    tiers = [name for name in tg.tierNames if name.endswith(" words")]
    assert tiers == ["BOB words", "NARRATOR words", "ANNA words"]
    timeline = otio.adapters.read_from_file(str(dialogue / "timeline.otio"))
    lines = [t.name for t in timeline.tracks if t.name.endswith("(lines)")]
    assert lines == ["BOB (lines)", "NARRATOR (lines)", "ANNA (lines)"]


def test_references_are_decoded_and_written_back_in_every_export(dialogue):
    vtt = (dialogue / "subtitles.vtt").read_text(encoding="utf-8")
    srt = (dialogue / "subtitles.srt").read_text(encoding="utf-8")
    assert "Q&amp;A at 5 &lt; 6." in vtt and "&amp;amp;" not in vtt and "00:00:08.000>" not in vtt
    assert "Q&A at 5 < 6." in srt and "&amp;" not in srt
    labels = (dialogue / "labels.txt").read_text(encoding="utf-8")
    ssml = (dialogue / "edits.ssml").read_text(encoding="utf-8")
    assert "amp" not in labels and "&amp;amp;" not in ssml and "00:00:08" not in labels


def test_a_confirmed_narrator_is_one_track_with_one_name_everywhere(dialogue):
    tg = textgrid.openTextgrid(str(dialogue / "alignment.TextGrid"), includeEmptyIntervals=False)
    names = set(tg.tierNames) | {r["track"] for r in _rows(dialogue / "timing-report.csv")}
    names |= {t.name for t in otio.adapters.read_from_file(str(dialogue / "timeline.otio")).tracks}
    assert not any("(2)" in n or "Narrator" in n for n in names), names
    assert {r["track"] for r in _rows(dialogue / "timing-report.csv")} == {"ANNA", "BOB", "NARRATOR"}


def test_an_unlabelled_file_is_exported_without_names_and_repeated_numbers_are_positions(tmp_path):
    text = "".join(f"0\n00:00:{2 * i + 1:02d},000 --> 00:00:{2 * i + 2:02d},900\nThis is line {i}.\n\n"
                   for i in range(3))
    (tmp_path / "plain.srt").write_text(text, encoding="utf-8")
    assert main(["render", str(tmp_path / "plain.srt"), "-o", str(tmp_path / "out"), "--voice", "embedded"]) == 0
    for name in ("subtitles.srt", "subtitles.vtt"):
        written = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "Narrator" not in written and "<v" not in written and "This is line 2." in written
    assert [r["cue"] for r in _rows(tmp_path / "out" / "timing-report.csv")] == ["1", "2", "3"]


def test_overlaps_below_one_frame_are_not_notes():
    project = Project()
    track = Track(new_id(), "A")
    project.tracks.append(track)
    segs = [Segment(new_id(), f"line {i}", track.id, start=float(i), slot=1.0) for i in range(3)]
    project.segments.extend(segs)
    rate, frame = 1000, 1 / 25
    # Line 2 starts 10 ms before line 1 ends (under a frame); line 3 starts 300 ms before line 2 ends.
    spans = [(1000 * 0, 1010), (1000, 2300), (2000, 2900)]
    grid = {s.id: SimpleNamespace(start=a, end=b) for s, (a, b) in zip(segs, spans)}
    script = Script(project, "srt", {s.id: CueInfo(i + 1, float(i), i + 1.0, s.text) for i, s in enumerate(segs)})
    rows = report.timings(script, grid, rate, {}, {}, frame)
    assert [r.note for r in rows] == ["", "", "overlaps cue 2 by 0.30 s"]
    assert not any("0.00 s overlap" in line or "0.01 s overlap" in line for line in report.summary(rows, frame))
