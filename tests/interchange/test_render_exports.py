"""`studio render` of subtitles with speaker labels, offline on the embedded voice; every file read back by the
library a video or audio tool would use."""

import json

import numpy as np
import pytest
import soundfile as sf

from studio.cli import main

# The embedded voice speaks these lines in 1.10, 0.76, 1.70 and 1.62 s. The cues ask for 20 % more, 10 % less,
# 10 % more and 15 % less: reachable at a natural rate, so --fit must land on them.
SRT = """1
00:00:01,000 --> 00:00:02,320
ANNA: Where were you last night?

2
00:00:03,000 --> 00:00:03,680
BEN: Out walking.

3
00:00:04,500 --> 00:00:06,370
CLARA: In the rain, without a coat on?

4
00:00:07,000 --> 00:00:08,380
ANNA: You never listen to me, do you?
"""
CUES = [(1.0, 2.32), (3.0, 3.68), (4.5, 6.37), (7.0, 8.38)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    (root / "scene.srt").write_text(SRT)
    # The embedded voice: this checks the exports, and it is fast; the neural voice has its own tests.
    code = main(["render", str(root / "scene.srt"), "-o", str(root / "out"), "--fit", "--rate", "48000",
                 "--voice", "embedded"])
    return code, root / "out", json.loads((root / "out" / "alignment.json").read_text())


def test_exit_code_and_files(rendered):
    code, out, doc = rendered
    assert code == 0
    for name in ("mix.wav", "stems/ANNA.wav", "stems/BEN.wav", "stems/CLARA.wav", "subtitles.srt", "subtitles.vtt",
                 "labels.txt", "alignment.TextGrid", "timeline.otio", "edits.ssml"):
        assert (out / name).is_file(), name
    assert len(list((out / "clips").glob("*.wav"))) == 4
    assert sorted(p.name for p in (out / "clips").glob("*.wav"))[0] == "00-00-01.000_ANNA.wav"


def test_three_speakers_give_three_aligned_stems_that_sum_to_the_mix(rendered):
    _, out, doc = rendered
    mix, rate = sf.read(out / "mix.wav", dtype="float64")
    info = sf.info(out / "mix.wav")
    assert rate == 48000 and info.subtype == "PCM_24"
    stems = [sf.read(out / "stems" / f"{n}.wav", dtype="float64")[0] for n in ("ANNA", "BEN", "CLARA")]
    assert len({len(s) for s in stems} | {len(mix)}) == 1
    assert np.abs(sum(stems) - mix).max() < 3 / 2 ** 23  # 24-bit rounding of each file


def test_each_line_starts_at_its_cue_and_fit_lines_end_on_their_slots(rendered):
    _, out, doc = rendered
    segments = doc["segments"]
    assert [s["track"] for s in segments] == ["ANNA", "BEN", "CLARA", "ANNA"]
    stems = {n: sf.read(out / "stems" / f"{n}.wav", dtype="float64")[0] for n in ("ANNA", "BEN", "CLARA")}
    frame = 1 / 25  # one video frame
    for seg, (start, end) in zip(segments, CUES):
        assert seg["start"] == pytest.approx(start, abs=1 / 48000)
        assert seg["words"][0]["start"] == pytest.approx(start, abs=1 / 48000)
        assert seg["end"] == pytest.approx(end, abs=0.02), seg["text"]
        audio = stems[seg["track"]]
        window = np.abs(audio[int((start - 0.2) * 48000):int((start + 0.2) * 48000)])
        onset = (np.argmax(window > 0.02) / 48000) + start - 0.2
        assert abs(onset - start) <= frame  # leading silence trimmed: speech begins on the cue


def test_srt_and_vtt_parse_back_to_the_rendered_times(rendered):
    import srt
    import webvtt

    _, out, doc = rendered
    subs = list(srt.parse((out / "subtitles.srt").read_text()))
    vtt = list(webvtt.read(str(out / "subtitles.vtt")))
    for seg, sub, cue in zip(doc["segments"], subs, vtt):
        assert sub.start.total_seconds() == pytest.approx(seg["start"], abs=0.001)
        assert sub.end.total_seconds() == pytest.approx(seg["end"], abs=0.001)
        assert sub.content == f"{seg['track']}: {seg['text']}"
        assert cue.voice == seg["track"] and cue.text == seg["text"]
    assert len(subs) == len(vtt) == 4


def test_textgrid_opens_in_praat(rendered):
    import parselmouth
    from parselmouth.praat import call

    _, out, doc = rendered
    tg = parselmouth.read(str(out / "alignment.TextGrid"))
    assert call(tg, "Get number of tiers") == 6  # words and phonemes for each of three tracks
    words = [w for s in doc["segments"] if s["track"] == "BEN" for w in s["words"]]
    tier = [call(tg, "Get tier name...", i) for i in range(1, 7)].index("BEN words") + 1
    interval = call(tg, "Get interval at time...", tier, words[0]["start"] + 0.01)
    assert call(tg, "Get label of interval...", tier, interval) == words[0]["text"]
    assert call(tg, "Get start time of interval...", tier, interval) == pytest.approx(words[0]["start"], abs=1e-6)


def test_otio_timeline_loads_with_its_media_found_and_clips_as_long_as_their_audio(rendered):
    import opentimelineio as otio

    _, out, doc = rendered
    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    lines = {t.name: t for t in timeline.tracks}
    anna = lines["ANNA (lines)"]
    clips = list(anna.find_clips())
    expected = [s for s in doc["segments"] if s["track"] == "ANNA"]
    assert len(clips) == len(expected) == 2
    for clip, seg in zip(clips, expected):
        rng = clip.trimmed_range_in_parent()
        assert rng.start_time.to_seconds() == pytest.approx(seg["start"], abs=1e-4)
        url = clip.media_reference.target_url
        assert url.startswith("file://")
        media = otio.url_utils.filepath_from_url(url)
        info = sf.info(media)  # the media is found, from anywhere
        assert rng.duration.to_seconds() == pytest.approx(info.frames / info.samplerate, abs=1e-9)
        assert rng.duration.to_seconds() >= seg["end"] - seg["start"]  # the whole line is in the clip
    # One enabled representation: the lines play, the stems are there but disabled.
    assert all(t.enabled for name, t in lines.items() if "(lines)" in name)
    assert not any(t.enabled for name, t in lines.items() if "(stem)" in name)
    stem = list(lines["ANNA (stem)"].find_clips())[0]
    info = sf.info(otio.url_utils.filepath_from_url(stem.media_reference.target_url))
    assert stem.source_range.duration.to_seconds() == pytest.approx(info.frames / info.samplerate)


def test_audacity_labels_and_ssml_export(rendered):
    from studio.interchange.ssml import parse

    _, out, doc = rendered
    rows = [line.split("\t") for line in (out / "labels.txt").read_text().splitlines()]
    assert [float(r[0]) for r in rows] == pytest.approx([s["start"] for s in doc["segments"]], abs=1e-5)
    sentences, warnings = parse((out / "edits.ssml").read_text())
    assert len(sentences) == 4 and warnings == []


def test_render_exit_codes(tmp_path, capsys):
    assert main(["render", str(tmp_path / "missing.srt"), "-o", str(tmp_path / "o")]) == 2
    (tmp_path / "bad.srt").write_text("1\nnot a timestamp\nhello\n")
    assert main(["render", str(tmp_path / "bad.srt"), "-o", str(tmp_path / "o")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    (tmp_path / "long.srt").write_text("1\n00:00:00,000 --> 00:00:00,300\nA: This line is far too long for its cue.\n")
    assert main(["render", str(tmp_path / "long.srt"), "-o", str(tmp_path / "o2"), "--fit"]) == 4
    assert "cannot fit" in capsys.readouterr().err


def test_vtt_voice_tags_pick_the_track(tmp_path):
    (tmp_path / "s.vtt").write_text("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n<v Mara>Hello there.\n\n"
                                    "00:00:02.500 --> 00:00:04.000\n<v Tom>Hi Mara.\n")
    assert main(["render", str(tmp_path / "s.vtt"), "-o", str(tmp_path / "o")]) == 0
    doc = json.loads((tmp_path / "o" / "alignment.json").read_text())
    assert [s["track"] for s in doc["segments"]] == ["Mara", "Tom"]
    assert doc["segments"][1]["start"] == pytest.approx(2.5, abs=1e-4)
