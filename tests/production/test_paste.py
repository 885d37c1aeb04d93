"""Pasting lines goes the import's way (production.importing.insert_lines), as one undo step."""

from studio.core.history import History
from studio.core.model import Project, SpeakerMix, Track, VoiceRef, new_id
from studio.core.script import parse_script
from studio.production.importing import insert_lines

from tests.helpers import FakeAnalyzer


def _fresh() -> Project:
    return Project(tracks=[Track(new_id(), "Narrator", VoiceRef(), SpeakerMix())])


def test_a_dialogue_pasted_into_a_new_project_leaves_no_empty_default_track():
    project = _fresh()
    h = History(project)
    h.push(insert_lines(project, 0, parse_script("ANNA: Hello.\nBEN: Hi there."), FakeAnalyzer(), VoiceRef()))
    assert [t.name for t in project.tracks] == ["ANNA", "BEN"]
    assert all(project.track(s.track_id) for s in project.segments)
    h.undo()  # one step brings the empty project back as it was
    assert [t.name for t in project.tracks] == ["Narrator"] and project.segments == []


def test_the_default_track_stays_where_it_is_used_or_the_project_had_lines():
    project = _fresh()
    History(project).push(insert_lines(project, 0, parse_script("Plain narration.\nANNA: Then a line."),
                                       FakeAnalyzer(), VoiceRef()))
    assert project.tracks[0].name == "Narrator" and project.segments_of(project.tracks[0].id)
    other = _fresh()
    other.tracks.append(Track(new_id(), "EXTRA", VoiceRef(), SpeakerMix()))
    History(other).push(insert_lines(other, 0, parse_script("BEN: Hi."), FakeAnalyzer(), VoiceRef()))
    assert [t.name for t in other.tracks] == ["Narrator", "EXTRA", "BEN"]  # not a fresh project: kept
