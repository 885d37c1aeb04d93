"""Projects that point outside their folder, oversized values and NaN are refused; a save killed mid-write
leaves the previous file intact."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from studio.core import project_io
from studio.core.model import VoiceRef
from studio.core.project_io import ProjectFileError, load, save
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    return build_project(parse_script("A: Hello there.\nB: Good morning."), FakeAnalyzer())


@pytest.mark.parametrize("model", ["../../etc/passwd", "../outside_model", "/etc/passwd", "/etc"])
def test_voice_paths_outside_the_project_are_refused(project, tmp_path, model):
    project.tracks[0].voice = VoiceRef("coqui", model)
    path = tmp_path / "p.json"
    save(project, path)
    before = path.read_bytes()
    with pytest.raises(ProjectFileError, match="outside the project folder|not a model folder"):
        load(path)
    assert path.read_bytes() == before


def test_a_model_folder_inside_the_project_is_allowed_and_made_absolute(project, tmp_path):
    (tmp_path / "models" / "mine").mkdir(parents=True)
    (tmp_path / "models" / "mine" / "config.json").write_text("{}")
    project.tracks[0].voice = VoiceRef("coqui", "models/mine")
    project.tracks[1].voice = VoiceRef("coqui", "tts_models/en/vctk/vits")
    save(project, tmp_path / "p.json")
    loaded = load(tmp_path / "p.json")
    assert loaded.tracks[0].voice.model == str(tmp_path / "models" / "mine")
    assert loaded.tracks[1].voice.model == "tts_models/en/vctk/vits"


@pytest.mark.parametrize("field, value", [("pitch_st", 1e308), ("duration_scale", -3), ("energy_db", "Infinity"),
                                          ("duration", -1.0)])
def test_oversized_and_non_finite_edits_are_refused(project, tmp_path, field, value):
    doc = project_io.to_dict(project)
    doc["segments"][0]["words"][0]["phonemes"][0][field] = value
    text = json.dumps(doc).replace('"Infinity"', "Infinity")
    with pytest.raises(ProjectFileError):
        project_io.loads(text)


SAVER = """
import sys, time
sys.path.insert(0, {root!r})
from studio.core.project_io import save, load
project = load({src!r})
# Make the project big, so that one save takes long enough to be killed in the middle of it.
for seg in project.segments:
    seg.words = seg.words * 400
print("ready", flush=True)
while True:
    save(project, {dst!r})
"""


def test_a_save_killed_mid_write_leaves_the_previous_file_loadable(project, tmp_path):
    from pathlib import Path

    src, dst = tmp_path / "src.json", tmp_path / "project.json"
    save(project, src)
    save(project, dst)
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", SAVER.format(root=root, src=str(src), dst=str(dst))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    for delay in (0.05, 0.13, 0.21, 0.34):  # kill at different points of successive saves
        time.sleep(delay)
        loaded = load(dst)  # whatever is on disk is always a whole project
        assert len(loaded.segments) == 2
    time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    loaded = load(dst)
    assert [s.text for s in loaded.segments] == ["Hello there.", "Good morning."]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 1  # at most the temp file of the killed save, never the project itself


def test_a_save_removes_temp_files_of_killed_saves_but_not_a_save_in_progress(project, tmp_path):
    old = tmp_path / ".p.json.abc123.tmp"
    fresh = tmp_path / ".p.json.def456.tmp"
    old.write_text("half a save")
    fresh.write_text("another process is saving")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    save(project, tmp_path / "p.json")
    assert not old.exists() and fresh.exists() and load(tmp_path / "p.json").segments
