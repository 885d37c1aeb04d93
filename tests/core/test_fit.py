import pytest

from studio.core.commands import SetPhonemes, set_emotion
from studio.core.fit import RATE_RANGE, fit_segment
from studio.core.history import History
from studio.core.model import Emotion
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    p = build_project(parse_script("Well, this line has a pause, and some words."), FakeAnalyzer())
    p.segments[0].slot = 0
    return p


def spoken(seg, project=None):
    from studio.core.fit import emotion_factors
    factors = emotion_factors(project, seg) if project else [1.0] * len(seg.phonemes())
    return sum(p.target_duration * f for p, f in zip(seg.phonemes(), factors))


def test_shrinking_takes_pauses_first(project):
    seg = project.segments[0]
    natural = spoken(seg)
    pauses = sum(p.target_duration for p in seg.phonemes() if p.is_pause)
    fit = fit_segment(project, seg, natural - 0.5 * pauses)
    History(project).push(fit.command)
    assert spoken(seg) == pytest.approx(natural - 0.5 * pauses)
    assert all(p.duration_scale == 1.0 for p in seg.phonemes() if not p.is_pause)  # speech untouched
    assert abs(fit.miss) < 1e-9


def test_speech_follows_within_natural_bounds_and_locked_phonemes_stay(project):
    seg = project.segments[0]
    History(project).push(SetPhonemes(seg.id, [0, 1], "locked", [True, True]))
    natural = spoken(seg)
    fit = fit_segment(project, seg, natural * 0.8)
    History(project).push(fit.command)
    ph = seg.phonemes()
    assert ph[0].duration_scale == ph[1].duration_scale == 1.0
    assert all(p.duration_scale >= RATE_RANGE[0] - 1e-9 for p in ph if not p.is_pause)
    assert spoken(seg) == pytest.approx(natural * 0.8)


def test_an_impossible_slot_says_by_how_much(project):
    seg = project.segments[0]
    fit = fit_segment(project, seg, 0.3)
    assert fit.miss > 0.5 and "cannot fit" in fit.message() and f"{fit.miss:.2f} s longer" in fit.message()


def test_fit_accounts_for_the_emotions_tempo_and_is_undoable(project):
    seg = project.segments[0]
    h = History(project)
    h.push(set_emotion(seg.id, Emotion("sad", 1.0)))
    target = spoken(seg, project) * 0.9
    before = [p.duration_scale for p in seg.phonemes()]
    h.push(fit_segment(project, seg, target).command)
    assert spoken(seg, project) == pytest.approx(target)
    h.undo()
    assert [p.duration_scale for p in seg.phonemes()] == before


def test_compress_fits_only_lines_past_their_slot_by_more_than_a_frame(project):
    from studio.core.fit import FRAME_S, fit_all

    seg = project.segments[0]
    natural = spoken(seg)
    seg.slot = natural + 0.5  # a short line: compress leaves it as spoken, "both" stretches it
    assert fit_all(project, "compress") == []
    assert [f.segment_id for f in fit_all(project, "both")] == [seg.id]
    seg.slot = natural - FRAME_S / 2  # past its slot by half a frame: on time
    assert fit_all(project, "compress") == []
    seg.slot = natural - 0.3  # past it by 0.3 s: compressed, and it then fits within a frame
    (fit,) = fit_all(project, "compress")
    assert fit.command is not None and fit.fits and fit.tolerance == FRAME_S
