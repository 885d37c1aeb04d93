"""Dismissed proof flags: one undo step, saved in the project, older files load without them."""

import json

import pytest

from studio.core.commands import dismiss_flag
from studio.core.history import History
from studio.core.project_io import ProjectFileError, dumps, loads
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    return build_project(parse_script("A: Hello there, friend.\nB: Good morning."), FakeAnalyzer(),
                         speakers=["s1", "s2"])


def test_a_dismissed_flag_is_saved_and_undone(project):
    seg = project.segments[0]
    history = History(project)
    history.push(dismiss_flag(project, seg.id, 1))
    assert seg.flag_dismissed(1) and not seg.flag_dismissed(0)
    again = loads(dumps(project))
    assert again.segments[0].proof_dismissed == ((1, seg.words[1].text),) and again == project
    history.undo()
    assert not seg.flag_dismissed(1)
    with pytest.raises(ValueError):
        dismiss_flag(project, seg.id, len(seg.words))


def test_a_dismissal_does_not_follow_another_word_to_its_index(project):
    seg = project.segments[0]
    seg.proof_dismissed = ((0, "Goodbye"),)  # the word at 0 was edited since
    assert not seg.flag_dismissed(0)


def test_files_without_dismissals_load_and_bad_ones_get_one_sentence(project):
    doc = json.loads(dumps(project))
    assert "proof_dismissed" not in doc["segments"][0]  # unchanged files stay as they were
    assert loads(json.dumps(doc)).segments[0].proof_dismissed == ()
    doc["segments"][0]["proof_dismissed"] = [["one", 2]]
    with pytest.raises(ProjectFileError, match="dismissed proof flag"):
        loads(json.dumps(doc))
