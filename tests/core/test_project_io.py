import json
import os

import pytest

from studio.core import project_io
from studio.core.commands import SetPhonemes, set_emotion
from studio.core.history import History
from studio.core.model import Emotion, SpeakerMix
from studio.core.project_io import ProjectFileError, load, loads, save
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    p = build_project(parse_script("A: Hello there, friend.\nB: Good morning."), FakeAnalyzer(), speakers=["s1", "s2"])
    h = History(p)
    h.push(SetPhonemes(p.segments[0].id, [0, 2], "pitch_st", [2.5, -1.0]))
    h.push(SetPhonemes(p.segments[0].id, [1], "locked", [True]))
    h.push(set_emotion(p.segments[1].id, Emotion("sad", 0.4)))
    p.segments[1].start, p.segments[1].slot = 3.5, 2.0
    p.segments[1].mix = SpeakerMix.of({"s1": 1, "s2": 1})
    p.voice_library["blend"] = SpeakerMix.of({"s1": 2, "s2": 1})
    return p


def test_round_trip_gives_an_equal_document(project, tmp_path):
    path = tmp_path / "p.json"
    save(project, path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "speech-studio-project" and doc["schema_version"] == project_io.SCHEMA_VERSION
    assert load(path) == project


def test_save_is_atomic_and_leaves_no_temp_files(project, tmp_path):
    path = tmp_path / "p.json"
    path.write_text("old")
    save(project, path)
    assert os.listdir(tmp_path) == ["p.json"]
    assert load(path) == project


def test_failed_save_keeps_the_old_file(project, tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    save(project, path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(project_io.os, "fsync", boom)
    with pytest.raises(OSError):
        save(project, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["p.json"]


@pytest.mark.parametrize("content, phrase", [
    ("", "not valid JSON"),
    ('{"format": "speech-studio-project", "schema_version": 1, "tracks": [', "not valid JSON"),
    ("[1, 2]", "not a Speech Studio project"),
    ('{"format": "something-else"}', "not a Speech Studio project"),
    ('{"format": "speech-studio-project"}', "no valid schema_version"),
    ('{"format": "speech-studio-project", "schema_version": 99, "tracks": [], "segments": []}', "newer Speech Studio"),
    ('{"format": "speech-studio-project", "schema_version": 0}', "unknown schema version"),
    ('{"format": "speech-studio-project", "schema_version": 1, "tracks": {}, "segments": []}', "damaged"),
    ('{"format": "speech-studio-project", "schema_version": 1, "tracks": [], "segments": [{"id": "a"}]}', "damaged"),
    ('{"format": "speech-studio-project", "schema_version": 1, "tracks": [], "segments": [], "title": NaN}', "not valid JSON"),
])
def test_bad_files_give_one_clear_error_and_stay_untouched(tmp_path, content, phrase):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ProjectFileError) as info:
        load(path)
    message = str(info.value)
    assert phrase in message and "\n" not in message and "Traceback" not in message
    assert path.read_text() == content


def test_truncated_real_project_is_refused(project, tmp_path):
    path = tmp_path / "p.json"
    save(project, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProjectFileError, match="truncated"):
        load(path)
    assert path.read_bytes() == data[: len(data) // 2]


def test_out_of_range_and_wrong_type_edits_are_refused(project):
    doc = project_io.to_dict(project)
    doc["segments"][0]["words"][0]["phonemes"][0]["pitch_st"] = 1e9
    with pytest.raises(ProjectFileError, match="outside"):
        project_io.from_dict(doc)
    doc["segments"][0]["words"][0]["phonemes"][0]["pitch_st"] = "high"
    with pytest.raises(ProjectFileError, match="should be a number"):
        project_io.from_dict(doc)


def test_missing_file_binary_file_and_folder(tmp_path):
    with pytest.raises(ProjectFileError, match="does not exist"):
        load(tmp_path / "nope.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProjectFileError, match="not a text file"):
        load(tmp_path / "bin.json")
    with pytest.raises(ProjectFileError, match="folder"):
        load(tmp_path)


def test_migration_hook_upgrades_old_versions(project, monkeypatch):
    doc = project_io.to_dict(project)
    doc["schema_version"] = 1
    doc["title"] = "renamed later"
    monkeypatch.setattr(project_io, "SCHEMA_VERSION", 2)
    seen = []

    def one_to_two(d):
        seen.append(d["schema_version"])
        d = dict(d)
        d["title"] = d["title"].upper()
        return d
    monkeypatch.setitem(project_io.MIGRATIONS, 1, one_to_two)
    migrated = loads(json.dumps(doc))
    assert seen == [1] and migrated.title == "RENAMED LATER"


def test_the_reference_video_and_its_offset_travel_with_the_project(project, tmp_path):
    from studio.core.history import History
    from studio.core.commands import SetVideoOffset, set_reference_video

    h = History(project)
    h.push(set_reference_video("reel.mp4"))
    h.push(SetVideoOffset(12.5), merge=True)
    h.push(SetVideoOffset(12.75), merge=True)  # a spin box's steps merge into one undo step
    path = tmp_path / "p.json"
    save(project, path)
    again = load(path)
    assert (again.reference_video, again.video_offset) == ("reel.mp4", 12.75)
    h.undo()
    assert project.video_offset == 0.0
    doc = json.loads(path.read_text())
    doc["video_offset"] = "soon"
    with pytest.raises(ProjectFileError, match="video_offset"):
        loads(json.dumps(doc))
