import json
import subprocess
import sys

from studio.cli import main
from studio.core.project_io import load


def test_studio_new_writes_a_versioned_project_that_loads_back_equal(tmp_path):
    script = tmp_path / "scene.txt"
    script.write_text("ANNA: Where were you last night?\nBEN: Out. Walking.\nANNA: In the rain?\n")
    out = tmp_path / "scene.json"
    result = subprocess.run([sys.executable, "-m", "studio.cli", "new", str(script), "-o", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 2
    project = load(out)
    assert [t.name for t in project.tracks] == ["ANNA", "BEN"]
    assert [s.text for s in project.segments] == ["Where were you last night?", "Out.", "Walking.", "In the rain?"]
    assert all(s.phonemes() for s in project.segments)
    # Saving what was loaded and loading again is stable.
    from studio.core.project_io import save
    save(project, tmp_path / "again.json")
    assert load(tmp_path / "again.json") == project


def test_studio_new_reports_a_missing_file_in_one_sentence(tmp_path, capsys):
    code = main(["new", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert "does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


def test_studio_new_refuses_an_empty_script(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("\n  \n")
    assert main(["new", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "x.json")]) == 2
    assert "no text" in capsys.readouterr().err


def test_the_demo_project_is_current(tmp_path):
    """assets/demo/demo.studio.json must load; regenerate it with scripts/make_demo.sh if the schema changes."""
    from studio.cli import DEMO_PROJECT
    project = load(DEMO_PROJECT)
    assert len(project.tracks) == 3 and len(project.segments) >= 5


def test_render_and_new_know_a_project_by_its_content_whatever_its_name(tmp_path, capsys):
    """A project saved without an extension used to be read aloud as a script (a 506 MB WAV of JSON)."""
    from studio.cli import DEMO_PROJECT

    nameless = tmp_path / "myproject"
    nameless.write_bytes(DEMO_PROJECT.read_bytes())
    assert main(["new", str(nameless), "-o", str(tmp_path / "copy.json")]) == 0
    assert load(tmp_path / "copy.json") == load(DEMO_PROJECT)
    first = load(DEMO_PROJECT)
    short = tmp_path / "short"
    first.segments = first.segments[:1]
    from studio.core.project_io import save
    save(first, short)
    assert main(["render", str(short), "-o", str(tmp_path / "out")]) == 0
    import soundfile as sf
    info = sf.info(str(tmp_path / "out" / "mix.wav"))
    assert info.duration < 15  # one sentence, not the JSON spoken
    assert "1 segments" in capsys.readouterr().out
