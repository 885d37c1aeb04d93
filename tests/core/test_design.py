"""Designed voices as data: checked controls, the inline spec, the project file, the user's library."""

import json

import pytest

from studio.core import project_io
from studio.core.design import Design, DesignError, parse_inline
from studio.core.model import Project, Track, VoiceRef


def test_inline_spec_round_trips_and_defaults_the_base():
    d = parse_inline("design:en_US-joe-medium,timbre=1.17,pitch=1.7")
    assert (d.base, d.timbre, d.pitch, d.breath) == ("en_US-joe-medium", 1.17, 1.7, 0.0)
    assert parse_inline(d.spec) == d
    assert parse_inline("design:,pitch=1.2").base == "en_US-joe-medium"


@pytest.mark.parametrize("spec", ["design:joe,timbre=9", "design:joe,pitch=abc", "design:joe,colour=2",
                                  "design:joe,breath=-1", "design:joe,name=1bad"])
def test_bad_designs_are_one_sentence(spec):
    with pytest.raises(DesignError) as err:
        parse_inline(spec)
    message = str(err.value)
    assert message.endswith(".") and "\n" not in message and message.count(". ") == 0


def _project_with(design: Design) -> Project:
    p = Project(title="t")
    p.tracks.append(Track("t1", "ALICE", VoiceRef("design", design.name)))
    p.designs[design.name] = design
    return p


def test_a_project_keeps_its_designed_voice(tmp_path):
    design = Design("en_US-joe-medium", 1.2, 1.5, 0.1, "Mara")
    path = tmp_path / "p.json"
    project_io.save(_project_with(design), path)
    loaded = project_io.load(path)
    assert loaded.designs == {"Mara": design}
    assert loaded.tracks[0].voice == VoiceRef("design", "Mara")


def test_an_old_project_without_designs_still_loads(tmp_path):
    doc = project_io.to_dict(Project(title="old", tracks=[Track("t1", "N", VoiceRef("coqui", "en_US-joe-medium"))]))
    del doc["designs"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    assert project_io.load(path).designs == {}


def test_a_design_based_on_a_path_is_refused(tmp_path):
    doc = project_io.to_dict(_project_with(Design("en_US-joe-medium", name="Mara")))
    doc["designs"]["Mara"]["base"] = "/etc"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(project_io.ProjectFileError, match="not a voice name"):
        project_io.load(path)


def test_a_damaged_design_is_one_sentence(tmp_path):
    doc = project_io.to_dict(_project_with(Design("en_US-joe-medium", name="Mara")))
    doc["designs"]["Mara"]["pitch"] = 40
    with pytest.raises(project_io.ProjectFileError, match="designed voice 'Mara'"):
        project_io.loads(json.dumps(doc))


def test_library_design_is_found_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    from studio.core.voice_library import load_designs, save_design
    from studio.engine.voices.registry import VoiceRegistry, parse_voice

    save_design(Design("en_US-joe-medium", 0.9, 0.8, 0.0, "Ravi"))
    assert set(load_designs()) == {"Ravi"}
    ref, _ = parse_voice("ravi")  # any case
    assert ref == VoiceRef("design", "Ravi")
    assert VoiceRegistry().design("Ravi").pitch == 0.8
