"""One sample grid for every export at any rate (issue 14.1), and loudness with a true-peak ceiling (14.9)."""

import numpy as np
import pytest

from studio.core.model import Phoneme, Project, Segment, Track, Word
from studio.engine.output import loudness
from studio.engine.voices.backbone import RenderResult
from studio.engine.output.mixdown import grid, mix, stems
from studio.interchange.alignment import PlacedSegment
from studio.interchange.exports import write_textgrid


def _project(n: int, overlap: bool):
    """n segments on one track, each 0.5 s of audio with 7 phonemes; pinned so that with `overlap` each line
    starts before the previous one ends."""
    project = Project(tracks=[Track("t", "A")])
    results = {}
    rng = np.random.default_rng(1)
    for i in range(n):
        words = [Word(f"w{i}{k}", [Phoneme("a", 0.05), Phoneme("b", 0.03)]) for k in range(3)] + \
                [Word(f"x{i}", [Phoneme("c", 0.0001)])]  # a phoneme of about one sample
        seg = Segment(f"s{i}", "text", "t", words, start=i * (0.15 if overlap else 0.6173), slot=0.4)
        project.segments.append(seg)
        b = np.cumsum([0, 1103, 662, 1103, 662, 1103, 662, 3]) + 511  # 22.05 kHz samples
        results[seg.id] = RenderResult(rng.normal(0, 0.1, 11025).astype(np.float32), 22050, tuple(int(x) for x in b))
    return project, results


@pytest.mark.parametrize("rate", [48000, 44100, 16000, 8000, 22050])
def test_boundaries_stay_strictly_rising_and_a_track_never_overlaps_itself_with_shift(rate, tmp_path):
    project, results = _project(12, overlap=False)
    placed = grid(project, results, rate, shift=True)
    ends = []
    for seg in project.segments:
        p = placed[seg.id]
        assert all(b > a for a, b in zip(p.boundaries, p.boundaries[1:]))  # no phoneme collapses at any rate
        ends.append((p.start, p.end))
    assert all(a2 >= b1 for (_, b1), (a2, _) in zip(ends, ends[1:]))  # whole samples: never one sample of overlap
    pl = [PlacedSegment(s, "A", placed[s.id].offset, placed[s.id].boundaries) for s in project.segments]
    write_textgrid(tmp_path / "a.TextGrid", pl, rate, 1.0)  # praatio refuses any overlap; this must not raise


def test_without_shift_lines_keep_their_cue_and_overlaps_go_to_a_second_tier(tmp_path):
    from praatio import textgrid

    project, results = _project(4, overlap=True)
    placed = grid(project, results, 48000, shift=False)
    for seg in project.segments:  # every cue on time, to the sample
        assert placed[seg.id].start == round(seg.start * 48000)
    pl = [PlacedSegment(s, "A", placed[s.id].offset, placed[s.id].boundaries) for s in project.segments]
    write_textgrid(tmp_path / "a.TextGrid", pl, 48000, 1.0)
    tg = textgrid.openTextgrid(str(tmp_path / "a.TextGrid"), includeEmptyIntervals=False)
    assert set(tg.tierNames) == {"A words", "A phonemes", "A words 2", "A phonemes 2"}
    labels = sorted(e.label for name in ("A words", "A words 2") for e in tg.getTier(name).entries)
    assert labels == sorted(w.text for s in project.segments for w in s.words)  # every word exactly once


def test_stems_sum_to_the_mix_after_loudness_and_the_true_peak_stays_under_the_ceiling():
    rate = 48000
    t = np.arange(rate * 3) / rate
    loud = (0.99 * np.sign(np.sin(2 * np.pi * 220 * t))).astype(np.float32)  # square wave: full scale, clipping
    quiet = (0.05 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    tracks = {"a": loud, "b": quiet}
    mixed, out, gain_db, _ = loudness.normalize(mix(tracks), tracks, rate, -16.0)
    assert loudness.true_peak_db(mixed, rate) <= loudness.TRUE_PEAK_CEILING_DB + 1e-6
    assert np.abs(out["a"] + out["b"] - mixed).max() < 1e-6
    assert loudness.integrated(mixed, rate) == pytest.approx(-16.0, abs=1.0)  # the limiter takes a little
    speech_like = (0.02 * np.random.default_rng(0).normal(size=rate * 2)).astype(np.float32)
    mixed, _, _, _ = loudness.normalize(speech_like, {"a": speech_like}, rate, -23.0)
    assert loudness.integrated(mixed, rate) == pytest.approx(-23.0, abs=0.1)  # no limiting needed: exact


@pytest.mark.parametrize("value, target", [("broadcast", -23.0), ("podcast", -16.0), ("-18", -18.0),
                                           ("-20 LUFS", -20.0), ("off", None)])
def test_loudness_targets(value, target):
    assert loudness.parse_target(value) == target
    with pytest.raises(ValueError, match="preset"):
        loudness.parse_target("loud")


def test_stems_api_unchanged_for_the_editor():
    project, results = _project(3, overlap=False)
    audio, offsets = stems(project, results, 22050)
    assert set(audio) == {"t"} and set(offsets) == {"s0", "s1", "s2"}
