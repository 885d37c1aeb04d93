"""Issue 15.2: stems and mix stream to disk in blocks; silence is never materialised, loudness is exact."""

import numpy as np
import pytest
import soundfile as sf

from studio.core.model import Phoneme, Project, Segment, Track, Word
from studio.engine.output import loudness, master
from studio.engine.voices.backbone import RenderResult
from studio.engine.output.master import Master, StreamLoudness, Timeline, write_files
from studio.engine.output.mixdown import grid, mix, stems


@pytest.mark.parametrize("rate, seconds", [(48000, 3.7), (22050, 0.45), (44100, 1.0)])
def test_streamed_loudness_equals_pyloudnorm_on_the_whole_signal(rate, seconds):
    import pyloudnorm

    rng = np.random.default_rng(3)
    x = (rng.normal(0, 0.05, int(rate * seconds)) * np.sin(np.linspace(0, 9, int(rate * seconds))) ** 2)
    meter = StreamLoudness(rate, len(x))
    for a in range(0, len(x), 7919):  # odd block sizes: bounds fall inside blocks
        meter.add(x[a:a + 7919])
    assert meter.integrated() == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(x), abs=1e-6)


def _project(starts, rate=22050):
    project = Project(tracks=[Track("a", "A"), Track("b", "B", gain_db=-6.0)])
    results = {}
    rng = np.random.default_rng(1)
    for i, (track, start) in enumerate(starts):
        words = [Word("w", [Phoneme("a", 0.2), Phoneme("b", 0.2)])]
        project.segments.append(Segment(f"s{i}", "w", track, words, start=start))
        results[f"s{i}"] = RenderResult((rng.normal(0, 0.3, rate)).astype(np.float32), rate, (1000, 5000, 9000))
    return project, results


def test_streamed_files_equal_the_whole_array_mixdown(tmp_path, monkeypatch):
    monkeypatch.setattr(master, "BLOCK", 10_000)  # many blocks, segments crossing their edges
    project, results = _project([("a", 0.0), ("b", 0.3), ("a", 2.0), ("b", 2.5)])
    rate = 48000
    placed = grid(project, results, rate)
    whole, _ = stems(project, results, rate, placed=placed)
    timeline = Timeline(project, placed, rate)
    measured = write_files(Master(timeline, None), {"a": tmp_path / "a.wav", "b": tmp_path / "b.wav"},
                           tmp_path / "mix.wav", "FLOAT")
    for key, path in (("a", tmp_path / "a.wav"), ("b", tmp_path / "b.wav")):
        assert np.allclose(sf.read(path, dtype="float32")[0], np.clip(whole[key], -1, 1), atol=1e-6)
    m = sf.read(tmp_path / "mix.wav", dtype="float32")[0]
    assert np.allclose(m, np.clip(mix(whole), -1, 1), atol=1e-6)
    assert measured[tmp_path / "mix.wav"].lufs == pytest.approx(loudness.integrated(np.clip(mix(whole), -1, 1), rate),
                                                               abs=1e-3)
    assert not list(tmp_path.glob("*.tmp"))


def test_with_a_target_stems_sum_to_the_mix_and_the_peak_stays_under_the_ceiling(tmp_path, monkeypatch):
    monkeypatch.setattr(master, "BLOCK", 30_000)
    project, results = _project([("a", 0.0), ("b", 0.2), ("a", 1.5)])
    rate = 48000
    timeline = Timeline(project, grid(project, results, rate), rate)
    m = Master(timeline, -14.0)
    measured = write_files(m, {"a": tmp_path / "a.wav", "b": tmp_path / "b.wav"}, tmp_path / "mix.wav", "FLOAT")
    a, b, x = (sf.read(tmp_path / f, dtype="float64")[0] for f in ("a.wav", "b.wav", "mix.wav"))
    assert np.abs(a + b - x).max() < 1e-5
    assert loudness.true_peak_db(x.astype(np.float32), rate) <= loudness.TRUE_PEAK_CEILING_DB + 0.05
    assert measured[tmp_path / "mix.wav"].lufs == pytest.approx(loudness.integrated(x, rate), abs=1e-3)
    assert measured[tmp_path / "mix.wav"].lufs == pytest.approx(-14.0, abs=1.5)


def test_lines_half_an_hour_apart_cost_their_audio_not_the_silence_between(tmp_path, monkeypatch):
    """numpy reports its arrays to tracemalloc: while half an hour of silence between two lines is written (mix and
    two stems), no array anywhere near the timeline's size is ever made, only blocks (made small here so that
    the difference shows on a short timeline). The 2-hour benchmark measures RSS at the real block size."""
    import tracemalloc

    monkeypatch.setattr(master, "BLOCK", 1 << 16)
    project, results = _project([("a", 0.0), ("b", 1800.0), ("a", 1800.5)], rate=8000)
    rate = 8000
    timeline = Timeline(project, grid(project, results, rate), rate)
    whole_array_mb = timeline.length * 4 / 2**20  # one stem as a float32 array: 55 MB
    tracemalloc.start()
    try:
        write_files(Master(timeline, -23.0), {"a": tmp_path / "a.wav", "b": tmp_path / "b.wav"},
                    tmp_path / "mix.wav", "PCM_16")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sf.info(str(tmp_path / "mix.wav")).frames == timeline.length
    assert peak / 2**20 < 0.25 * whole_array_mb, (peak / 2**20, whole_array_mb)


def test_a_timeline_beyond_a_day_is_refused_in_one_sentence():
    project, results = _project([("a", 0.0)])
    placed = grid(project, results, 48000)
    far = {k: master.Placed(p.segment_id, 25 * 3600 * 48000, p.boundaries, p.source, p.rate) for k, p in placed.items()}
    with pytest.raises(master.OutputError, match="more than the 24"):
        Timeline(project, far, 48000)
