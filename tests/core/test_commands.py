import copy

import pytest

from studio.core.commands import (AddSegment, AddTrack, Macro, MoveSegment, RemoveSegment, RemoveTrack,
                                  SetLibraryMix, SetPhonemes, edit_text, rename_track, reset_phonemes, set_emotion,
                                  set_segment_mix, set_track_mix, shift_phonemes)
from studio.core.history import History
from studio.core.model import Emotion, Segment, SpeakerMix, Track, new_id
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    return build_project(parse_script("A: Hello there, friend.\nB: Good morning to you.\nA: Bye now."),
                         FakeAnalyzer(), speakers=["s1", "s2"])


def test_pitch_energy_duration_edits_undo_and_redo_exactly(project):
    before = copy.deepcopy(project)
    h = History(project)
    seg = project.segments[0]
    h.push(SetPhonemes(seg.id, [0, 1], "pitch_st", [3.0, -2.0]))
    h.push(SetPhonemes(seg.id, [2], "energy_db", [6.0]))
    h.push(SetPhonemes(seg.id, [3], "duration_scale", [2.0]))
    ph = seg.phonemes()
    assert (ph[0].pitch_st, ph[1].pitch_st, ph[2].energy_db, ph[3].duration_scale) == (3.0, -2.0, 6.0, 2.0)
    assert seg.duration == pytest.approx(seg.predicted_duration + ph[3].duration)
    after = copy.deepcopy(project)
    while h.undo():
        pass
    assert project == before
    while h.redo():
        pass
    assert project == after


def test_values_are_clamped_and_nan_refused(project):
    seg = project.segments[0]
    assert SetPhonemes(seg.id, [0], "pitch_st", [99]).values == (24.0,)
    assert SetPhonemes(seg.id, [0], "duration_scale", [0]).values == (0.1,)
    with pytest.raises(ValueError):
        SetPhonemes(seg.id, [0], "pitch_st", [float("nan")])
    with pytest.raises(ValueError):
        SetPhonemes(seg.id, [0], "symbol", ["x"])


def test_a_drag_merges_into_one_step_until_sealed(project):
    h = History(project)
    seg = project.segments[0]
    for v in (0.5, 1.0, 1.5, 2.0):
        h.push(SetPhonemes(seg.id, [0], "pitch_st", [v]), merge=True)
    h.seal()
    h.push(SetPhonemes(seg.id, [0], "pitch_st", [4.0]), merge=True)
    assert h.labels() == ["Pitch of 1 phoneme", "Pitch of 1 phoneme"]
    h.undo()
    assert seg.phonemes()[0].pitch_st == 2.0
    h.undo()
    assert seg.phonemes()[0].pitch_st == 0.0


def test_shift_and_reset_a_selection(project):
    h = History(project)
    seg = project.segments[0]
    h.push(shift_phonemes(project, seg.id, [0, 1, 2], "pitch_st", 2.0))
    h.push(shift_phonemes(project, seg.id, [1, 2], "pitch_st", 1.0))
    assert [p.pitch_st for p in seg.phonemes()[:3]] == [2.0, 3.0, 3.0]
    h.push(reset_phonemes(seg.id, [0, 1, 2]))
    assert [p.pitch_st for p in seg.phonemes()[:3]] == [0.0, 0.0, 0.0]
    h.undo()
    assert [p.pitch_st for p in seg.phonemes()[:3]] == [2.0, 3.0, 3.0]


def test_text_edit_keeps_the_deltas_of_phonemes_still_there(project):
    analyzer = FakeAnalyzer()
    seg = project.segments[1]  # "Good morning to you."
    h = History(project)
    ph = seg.phonemes()
    h.push(SetPhonemes(seg.id, [0, 4], "pitch_st", [4.0, -3.0]))  # g of Good, m of morning
    h.push(SetPhonemes(seg.id, [4], "locked", [True]))
    h.push(edit_text(project, seg.id, "Good evening, and morning to you.", analyzer))
    new = seg.phonemes()
    assert seg.text == "Good evening, and morning to you."
    assert new[0].symbol == "g" and new[0].pitch_st == 4.0
    m = next(i for i, w in enumerate(seg.words) if w.text == "morning")
    assert seg.words[m].phonemes[0].pitch_st == -3.0 and seg.words[m].phonemes[0].locked
    assert sum(p.pitch_st != 0 for p in new) == 2
    h.undo()
    assert seg.text == "Good morning to you." and seg.phonemes() == ph


def test_text_edit_refuses_empty_text(project):
    with pytest.raises(ValueError):
        edit_text(project, project.segments[0].id, "   ", FakeAnalyzer())


def test_emotion_and_mix_commands(project):
    h = History(project)
    seg, track = project.segments[0], project.tracks[0]
    h.push(set_emotion(seg.id, Emotion("happy", 1.5)))
    h.push(set_segment_mix(seg.id, SpeakerMix.of({"s1": 1, "s2": 3})))
    h.push(set_track_mix(track.id, SpeakerMix.of({"s2": 1})))
    assert seg.emotion == Emotion("happy", 1.5)
    assert project.effective_mix(seg).as_dict() == {"s1": 0.25, "s2": 0.75}
    h.undo()
    h.undo()
    assert project.effective_mix(seg).as_dict() == {"s1": 1.0}
    with pytest.raises(ValueError):
        Emotion("")
    assert Emotion("sad", 7).intensity == 2.0


def test_segment_structure_commands(project):
    h = History(project)
    ids = [s.id for s in project.segments]
    new = Segment(new_id(), "Extra line.", project.tracks[1].id, FakeAnalyzer().analyze("Extra line."))
    h.push(AddSegment(new, 1))
    assert [s.id for s in project.segments] == [ids[0], new.id, *ids[1:]]
    h.push(MoveSegment(new.id, 3, project.tracks[0].id))
    assert project.segments[3].id == new.id and new.track_id == project.tracks[0].id
    h.push(RemoveSegment(ids[0]))
    assert ids[0] not in [s.id for s in project.segments]
    h.undo(); h.undo(); h.undo()
    assert [s.id for s in project.segments] == ids
    assert new.track_id == project.tracks[1].id


def test_track_commands_restore_segments_in_place(project):
    before = copy.deepcopy(project)
    h = History(project)
    a = project.tracks[0]
    h.push(rename_track(a.id, "Alice"))
    h.push(AddTrack(Track(new_id(), "C")))
    h.push(RemoveTrack(a.id))
    assert [t.name for t in project.tracks] == ["B", "C"]
    assert all(s.track_id != a.id for s in project.segments)
    while h.undo():
        pass
    assert project == before
    with pytest.raises(ValueError):
        rename_track(a.id, "  ")


def test_voice_library_mixes(project):
    h = History(project)
    h.push(SetLibraryMix("Blend", SpeakerMix.of({"s1": 1, "s2": 1})))
    assert project.voice_library["Blend"].as_dict() == {"s1": 0.5, "s2": 0.5}
    h.push(SetLibraryMix("Blend", None))
    assert "Blend" not in project.voice_library
    h.undo()
    h.undo()
    assert project.voice_library == {}


def test_clean_state_follows_undo_and_merges(project):
    h = History(project)
    seg = project.segments[0]
    h.mark_clean()
    h.push(SetPhonemes(seg.id, [0], "pitch_st", [1.0]))
    assert not h.is_clean
    h.undo()
    assert h.is_clean
    h.redo()
    h.mark_clean()
    h.undo()
    h.push(SetPhonemes(seg.id, [1], "pitch_st", [1.0]))  # the saved state was on the dropped redo branch
    while h.undo():
        pass
    assert not h.is_clean


def test_macro_is_one_step(project):
    h = History(project)
    seg = project.segments[0]
    h.push(Macro([SetPhonemes(seg.id, [0], "pitch_st", [1.0]), SetPhonemes(seg.id, [0], "energy_db", [2.0])], "Both"))
    assert h.labels() == ["Both"]
    h.undo()
    assert not seg.phonemes()[0].edited


def test_listeners_hear_which_segments_changed(project):
    heard = []
    h = History(project)
    h.subscribe(heard.append)
    seg = project.segments[0]
    h.push(SetPhonemes(seg.id, [0], "pitch_st", [1.0]))
    h.push(set_track_mix(project.tracks[0].id, SpeakerMix.of({"s2": 1})))
    assert heard[0] == {seg.id}
    assert heard[1] == {s.id for s in project.segments_of(project.tracks[0].id)}


def test_emotion_presets_and_word_curves_are_undoable(project):
    from studio.core.commands import SetEmotionPreset, SetWordEmotion
    from studio.core.emotion import PRESETS, EmotionPreset, resolve

    h = History(project)
    mine = EmotionPreset(pitch_st=5.0, tempo=1.3)
    h.push(SetEmotionPreset("giddy", mine))
    h.push(SetEmotionPreset("happy", EmotionPreset(pitch_st=1.0)))
    assert resolve("giddy", project.emotion_presets) == mine
    assert resolve("happy", project.emotion_presets).pitch_st == 1.0
    seg = project.segments[0]
    h.push(SetWordEmotion(seg.id, [0, 1], [0.2, 1.8]))
    assert [w.emotion_intensity for w in seg.words[:2]] == [0.2, 1.8]
    h.undo(); h.undo(); h.undo()
    assert project.emotion_presets == {} and seg.words[0].emotion_intensity is None
    assert resolve("happy", project.emotion_presets) == PRESETS["happy"]
    with pytest.raises(ValueError):
        EmotionPreset.from_dict({"tempo": 9.0})
