"""`studio render` of subtitles as a dubbing user has them (issue 14): a long SDH file at 48 kHz with every
export read back, drift reported cue by cue, Spanish, German and Chinese text, and import by content."""

import csv
import json

import numpy as np
import pytest
import soundfile as sf

from studio.cli import main
from studio.core.words import words_of

LINES = ["I came from the store in a row.", "He did not go in a row of them.", "Where were you last night?",
         "Out of the way, a man ran.", "It costs $20 & it is 50% off.", "We could not see it at all.",
         "Is it on the table or in the box?", "They had to go, and so did we."]
SPEAKERS = ["ANNA", "BEN", "- CLARA", ">> ANNA", "(BEN)", "[CLARA]"]


def _long_srt(n: int) -> str:
    blocks = []
    for i in range(n):
        start = 1.0 + i * 2.6
        if i % 9 == 4:
            text = "[MUSIC PLAYING]"
        elif i % 9 == 7:
            text = "♪ La la la ♪"
        else:
            label = SPEAKERS[i % len(SPEAKERS)]
            sep = " " if label[0] in "([" else ": "
            text = f"<i>{label}{sep}{LINES[i % len(LINES)]}</i>" if i % 5 else f"{label}{sep}{LINES[i % len(LINES)]}"
        blocks.append(f"{i + 1}\n{_ts(start)} --> {_ts(start + 2.2)}\n{text}\n")
    return "\n".join(blocks)


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _ts(s: float) -> str:
    ms = int(round(s * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


@pytest.fixture(scope="module")
def long_render(tmp_path_factory):
    root = tmp_path_factory.mktemp("dub")
    (root / "episode.srt").write_text(_long_srt(27), encoding="utf-8")
    code = main(["render", str(root / "episode.srt"), "-o", str(root / "out"), "--rate", "48000",
                 "--voice", "embedded", "--loudness", "podcast"])
    return code, root / "out", json.loads((root / "out" / "alignment.json").read_text())


def test_a_long_sdh_file_renders_at_48k_with_every_export(long_render):
    code, out, doc = long_render
    assert code == 0
    for name in ("alignment.TextGrid", "timeline.otio", "edits.ssml", "timing-report.csv", "loudness.json",
                 "timeline.xml", "timeline.fcpxml", "timeline.aaf"):
        assert (out / name).is_file(), name
    assert doc["sample_rate"] == 48000 and len(doc["segments"]) == 21  # 27 cues less 3 sounds and 3 songs


def test_every_word_appears_once_in_order_in_the_textgrid_and_the_alignment(long_render):
    import parselmouth
    from parselmouth.praat import call
    from praatio import textgrid

    _, out, doc = long_render
    tg = textgrid.openTextgrid(str(out / "alignment.TextGrid"), includeEmptyIntervals=False)
    for track in {s["track"] for s in doc["segments"]}:
        segs = [s for s in doc["segments"] if s["track"] == track]
        expected = [w for s in segs for w in words_of(s["text"])]
        assert [w["text"] for s in segs for w in s["words"]] == expected
        tiers = [n for n in tg.tierNames if n.startswith(f"{track} words")]
        entries = sorted((e for n in tiers for e in tg.getTier(n).entries), key=lambda e: e.start)
        assert [e.label for e in entries] == expected
    praat = parselmouth.read(str(out / "alignment.TextGrid"))  # Praat itself opens it
    assert call(praat, "Get number of tiers") == len(tg.tierNames)


def test_sounds_and_lyrics_are_not_spoken_but_kept_in_the_subtitles(long_render, capsys):
    import srt

    _, out, doc = long_render
    assert not any("MUSIC" in s["text"] or "La la" in s["text"] for s in doc["segments"])
    subs = list(srt.parse((out / "subtitles.srt").read_text(encoding="utf-8")))
    assert sum(s.content == "[MUSIC PLAYING]" for s in subs) == 3
    assert sum("♪ La la la ♪" in s.content for s in subs) == 3
    music = next(s for s in subs if s.content == "[MUSIC PLAYING]")
    assert music.start.total_seconds() == pytest.approx(1.0 + 4 * 2.6)  # at its own cue time
    spoken = [s for s in doc["segments"] if "20" in s["text"]]
    assert spoken and "20 dollars and it is 50 percent off" in spoken[0]["text"]


def test_otio_and_editor_formats_read_back_with_their_media_found(long_render):
    import opentimelineio as otio

    _, out, doc = long_render
    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    clips = list(timeline.find_clips())
    enabled = [c for t in timeline.tracks if t.enabled for c in t.find_clips()]
    assert len(enabled) == len(doc["segments"])  # one representation plays
    for clip in clips:
        path = otio.url_utils.filepath_from_url(clip.media_reference.target_url)
        info = sf.info(path)
        assert clip.source_range.duration.to_seconds() == pytest.approx(info.frames / info.samplerate)
    starts = sorted(c.trimmed_range_in_parent().start_time.to_seconds() for c in enabled)
    assert starts == pytest.approx(sorted(s["start"] for s in doc["segments"]), abs=1e-9)
    for name, adapter in (("timeline.xml", "fcp_xml"), ("timeline.fcpxml", "fcpx_xml"), ("timeline.aaf", "AAF")):
        back = otio.adapters.read_from_file(str(out / name), adapter_name=adapter)
        lines = [c for c in back.find_clips() if c.media_reference is not None
                 and getattr(c.media_reference, "target_url", None)]
        assert len(lines) == len(doc["segments"]), name
        assert all(sf.info(otio.url_utils.filepath_from_url(c.media_reference.target_url)).frames > 0
                   for c in lines), name


def test_loudness_is_normalised_with_a_true_peak_ceiling_and_reported(long_render):
    from scipy.signal import resample_poly

    from studio.engine.output.loudness import integrated

    _, out, _ = long_render
    report = json.loads((out / "loudness.json").read_text())
    assert report["target_lufs"] == -16.0
    mix, rate = sf.read(out / "mix.wav", dtype="float64")
    assert integrated(mix, rate) == pytest.approx(-16.0, abs=1.0)
    true_peak = 20 * np.log10(np.abs(resample_poly(mix, 4, 1)).max())  # measured independently, 4x oversampled
    assert true_peak <= -0.9
    assert report["files"]["mix.wav"]["integrated_lufs"] == pytest.approx(integrated(mix, rate), abs=0.05)
    stems = sum(sf.read(p, dtype="float64")[0] for p in (out / "stems").glob("*.wav"))
    assert np.abs(stems - mix).max() < 1e-5  # the stems still add up to the mix


def test_timing_report_lists_every_cue_with_planned_and_actual_times(long_render):
    _, out, doc = long_render
    rows = _rows(out / "timing-report.csv")
    assert len(rows) == len(doc["segments"])
    for row, seg in zip(rows, doc["segments"]):
        assert float(row["actual_start"]) == pytest.approx(seg["start"], abs=0.001)
        assert float(row["actual_start"]) == pytest.approx(float(row["planned_start"]), abs=0.001)  # on time
        assert float(row["overshoot"]) == pytest.approx(seg["end"] - float(row["planned_end"]), abs=0.002)
    assert [int(r["cue"]) for r in rows][:3] == [1, 2, 3]


CRAMPED = """1
00:00:01,000 --> 00:00:01,600
ANNA: This line is far too long for the little time its cue gives it.

2
00:00:01,700 --> 00:00:03,000
ANNA: Short.

3
00:00:05,000 --> 00:00:07,000
BEN: This one fits well.
"""


def test_drift_is_reported_by_cue_and_time_and_shift_only_when_asked(tmp_path, capsys):
    (tmp_path / "c.srt").write_text(CRAMPED)
    assert main(["render", str(tmp_path / "c.srt"), "-o", str(tmp_path / "a"), "--voice", "embedded"]) == 0
    err = capsys.readouterr().err
    assert "cue 1 at 00:00:01.000 (ANNA) ends" in err and "timing-report.csv" in err
    rows = _rows(tmp_path / "a" / "timing-report.csv")
    assert rows[0]["status"] == "late" and float(rows[0]["overshoot"]) > 1.0
    assert float(rows[0]["rate"]) > 1.2  # compressed first, then reported
    assert float(rows[1]["start_delay"]) == 0.0  # by default cue 2 stays on time, over cue 1's tail
    assert rows[2]["status"] == "on time"
    # --shift moves cue 2 to the next free moment of ANNA's track, and says so.
    assert main(["render", str(tmp_path / "c.srt"), "-o", str(tmp_path / "b"), "--voice", "embedded",
                 "--shift"]) == 0
    err = capsys.readouterr().err
    rows = _rows(tmp_path / "b" / "timing-report.csv")
    assert float(rows[1]["start_delay"]) > 0.5 and rows[1]["status"] == "late"
    assert "cue 2 at 00:00:01.700 (ANNA)" in err and "starts" in err
    # --fit none: nothing compressed, still reported.
    assert main(["render", str(tmp_path / "c.srt"), "-o", str(tmp_path / "c"), "--voice", "embedded",
                 "--fit", "none"]) == 0
    rows = _rows(tmp_path / "c" / "timing-report.csv")
    assert float(rows[0]["rate"]) == 1.0 and rows[0]["status"] == "late"


SPANISH = """1
00:00:00,500 --> 00:00:03,500
- MARÍA: ¿Dónde estabas anoche?
- En casa, con el Sr. García.

2
00:00:04,000 --> 00:00:07,000
MARÍA: No te creo. Cuesta 20 € y nada más.
"""


def test_a_spanish_srt_is_spoken_in_spanish_with_every_word(tmp_path):
    (tmp_path / "escena.es.srt").write_text(SPANISH, encoding="utf-8")
    assert main(["render", str(tmp_path / "escena.es.srt"), "-o", str(tmp_path / "o"), "--voice", "embedded"]) == 0
    doc = json.loads((tmp_path / "o" / "alignment.json").read_text())
    assert [s["track"] for s in doc["segments"]] == ["MARÍA", "Narrator", "MARÍA"]
    assert doc["segments"][2]["text"] == "No te creo. Cuesta 20 euros y nada más."
    for s in doc["segments"]:
        assert [w["text"] for w in s["words"]] == words_of(s["text"])
    assert main(["new", str(tmp_path / "escena.es.srt"), "-o", str(tmp_path / "p.json")]) == 0
    from studio.core.project_io import load

    project = load(tmp_path / "p.json")
    assert {t.language for t in project.tracks} == {"es"}
    assert {t.mix.weights[0][0].split("+")[0] for t in project.tracks} == {"es"}  # espeak's Spanish voice


def test_a_german_srt_with_lang_and_chinese_text_in_an_english_file(tmp_path, capsys):
    from studio.core.project_io import load

    (tmp_path / "de.srt").write_text("1\n00:00:01,000 --> 00:00:04,000\nTOM: Wir treffen uns am 3. Oktober.\n")
    assert main(["new", str(tmp_path / "de.srt"), "-o", str(tmp_path / "de.json"), "--lang", "de-DE"]) == 0
    project = load(tmp_path / "de.json")
    assert project.tracks[0].language == "de" and project.tracks[0].mix.as_dict() == {"de": 1.0}
    assert len(project.segments) == 1  # one cue, one segment: "3." is no sentence end in German
    (tmp_path / "zh.srt").write_text("1\n00:00:01,000 --> 00:00:04,000\nANNA: Hello there.\n\n"
                                     "2\n00:00:05,000 --> 00:00:08,000\nANNA: 从前有座山。\n", encoding="utf-8")
    assert main(["new", str(tmp_path / "zh.srt"), "-o", str(tmp_path / "zh.json"), "--voice", "embedded"]) == 0
    project = load(tmp_path / "zh.json")
    tracks = {t.name: t for t in project.tracks}
    assert set(tracks) == {"ANNA", "ANNA (zh)"} and tracks["ANNA (zh)"].language == "zh"
    assert tracks["ANNA (zh)"].mix.as_dict() == {"cmn-latn-pinyin": 1.0}  # Mandarin, not "Chinese letter"


def test_studio_new_imports_by_content(tmp_path, capsys):
    from studio.core.project_io import load

    (tmp_path / "subs.txt").write_text(CRAMPED)
    (tmp_path / "scene.xml").write_text('<?xml version="1.0"?>\n<speak version="1.0" '
                                        'xmlns="http://www.w3.org/2001/10/synthesis">Hello <break time="300ms"/> '
                                        'there.</speak>')
    assert main(["new", str(tmp_path / "subs.txt"), "-o", str(tmp_path / "a.json")]) == 0
    assert "(srt)" in capsys.readouterr().out
    project = load(tmp_path / "a.json")
    assert [s.start for s in project.segments] == [1.0, 1.7, 5.0] and project.tracks[0].name == "ANNA"
    assert main(["new", str(tmp_path / "scene.xml"), "-o", str(tmp_path / "b.json")]) == 0
    assert "(ssml)" in capsys.readouterr().out
    assert [w.text for w in load(tmp_path / "b.json").segments[0].words if w.text] == ["Hello", "there"]


@pytest.mark.parametrize("args, phrase", [
    (["--loudness", "loud"], "preset"), (["--voice-map", "nonsense"], "NAME=LOCAL"), (["--rate", "5"], "--rate"),
])
def test_bad_options_give_one_sentence_and_exit_2(tmp_path, capsys, args, phrase):
    (tmp_path / "c.srt").write_text(CRAMPED)
    assert main(["render", str(tmp_path / "c.srt"), "-o", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err
    assert phrase in err and "Traceback" not in err and err.count("\n") == 1
