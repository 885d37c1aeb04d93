"""Markers: renamed and moved as one undo step each, and saved as they now are."""

import pytest

from studio.core import project_io
from studio.core.history import History
from studio.core.commands import add_marker, move_marker, nearest_marker, rename_marker, remove_marker
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    p = build_project(parse_script("A: Hello there.\nB: Good morning."), FakeAnalyzer(), speakers=["s1", "s2"])
    for time, name in [(0.5, "Intro"), (2.0, "Door slams"), (4.0, "Outro")]:
        p.markers = add_marker(p, time, name).value
    return p


def names_and_times(project):
    return [(m.name, m.time) for m in project.markers]


def test_rename_is_one_undo_step_and_saved(project, tmp_path):
    before = names_and_times(project)
    history = History(project)
    history.push(rename_marker(project, 1, "  Door   bangs "))
    assert names_and_times(project) == [("Intro", 0.5), ("Door bangs", 2.0), ("Outro", 4.0)]
    project_io.save(project, tmp_path / "p.studio.json")
    assert names_and_times(project_io.load(tmp_path / "p.studio.json")) == names_and_times(project)
    history.undo()
    assert names_and_times(project) == before


def test_an_empty_name_is_refused_in_one_sentence(project):
    with pytest.raises(ValueError, match=r"^A marker needs a name, so 'Intro' keeps its own\.$"):
        rename_marker(project, 0, " \t ")


def test_move_keeps_time_order_is_one_undo_step_and_saved(project, tmp_path):
    before = names_and_times(project)
    history = History(project)
    command = move_marker(project, 0, 3.0)
    assert command.text == "Move marker 'Intro' to 3.00 s"
    history.push(command)
    assert names_and_times(project) == [("Door slams", 2.0), ("Intro", 3.0), ("Outro", 4.0)]
    project_io.save(project, tmp_path / "p.studio.json")
    assert names_and_times(project_io.load(tmp_path / "p.studio.json")) == names_and_times(project)
    history.undo()
    assert names_and_times(project) == before
    history.push(move_marker(project, 2, -5.0))  # not before the start
    assert project.markers[0] == project.markers[0].__class__(0.0, "Outro")


def test_nearest_marker(project):
    assert nearest_marker(project, 1.9) == 1 and nearest_marker(project, 99.0) == 2
    while project.markers:
        project.markers = remove_marker(project, 0).value
    assert nearest_marker(project, 1.0) is None
