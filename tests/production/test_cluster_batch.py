"""Issue 26: `studio batch` renders a catalogue on Ray, line by line through a store keyed as the editor keys
renders. On a local 2-node cluster (ray.cluster_utils.Cluster, one CPU each, shared by every test here): each
mix equals `studio render` of its input, a rerun renders nothing, a job that lost store entries renders only
those, an actor killed during its first render is retried, and a line that always fails is reported while
everything else completes."""

import functools
import json
import logging
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.cli import main
from tests.production import cluster_hooks

ray = pytest.importorskip("ray")
ROOT = Path(__file__).resolve().parents[2]

INPUTS = {
    "dialogue.txt": "ANNA: Hello there, my friend.\nBEN: The rain has stopped at last.\nANNA: Then we walk.\n",
    "story.txt": "One line of narration. And another one here, a little longer than the first.\n",
    "film.srt": "1\n00:00:00,000 --> 00:00:02,000\nGood morning to you.\n\n"
                "2\n00:00:02,500 --> 00:00:04,000\nSee you soon.\n",
}
# Each input with its own `studio render` options, as the manifest gives them.
OPTIONS = {"dialogue.txt": ["--loudness", "off"], "story.txt": ["--rate", "48k"], "film.srt": ["--loudness", "podcast"]}
MANIFEST = ("input,output,voice,rate,loudness\n"
            "dialogue.txt,dialogue,embedded,,off\n"
            "story.txt,story,embedded,48k,\n"
            "film.srt,film,embedded,,podcast\n")


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    ray.cloudpickle.register_pickle_by_value(cluster_hooks)  # the actors need not import the tests package
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    c.add_node(num_cpus=1)
    ray.init(address=c.address, logging_level=logging.WARNING, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}})
    yield c
    ray.shutdown()
    c.shutdown()


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    for name, text in INPUTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(catalogue, tmp_path_factory):
    """`studio render` of each input, one after another: the mixes the catalogue must equal."""
    out = tmp_path_factory.mktemp("reference")
    mixes = {}
    for name, options in OPTIONS.items():
        assert main(["render", str(catalogue / name), "--voice", "embedded", *options, "-o", str(out / name)]) == 0
        mixes[Path(name).stem] = sf.read(out / name / "mix.wav", dtype="int32")
    return mixes


def report(out: Path) -> dict:
    """The --json summary, as written to OUTPUT/batch-report.json (stdout here also carries the messages Ray
    prints about the killed actor, since the tests' cluster stays up)."""
    return json.loads((out / "batch-report.json").read_text())


def calls(path: Path) -> int:
    return len(path.read_bytes()) if path.exists() else 0


def with_hook(monkeypatch, hook):
    from studio.production.cluster import job

    monkeypatch.setattr(job, "Config", functools.partial(job.Config, hook=hook))


def assert_mixes_equal(out: Path, reference: dict) -> None:
    for name, (want, rate) in reference.items():
        got, got_rate = sf.read(out / name / "mix.wav", dtype="int32")
        assert got_rate == rate and np.array_equal(got, want), name


def test_catalogue_equals_studio_render_and_a_rerun_renders_only_what_is_missing(
        cluster, catalogue, reference, tmp_path, monkeypatch, capsys):
    out, count = tmp_path / "out", tmp_path / "calls"
    with_hook(monkeypatch, cluster_hooks.CountCalls(count))
    assert main(["batch", str(catalogue / "manifest.csv"), "-o", str(out), "--json"]) == 0
    summary = report(out)
    assert json.loads(capsys.readouterr().out) == summary  # --json prints it
    assert_mixes_equal(out, reference)
    # Each input's files carry content credentials, as `studio render`'s do (issue 27).
    stems = [str(p) for p in (out / "dialogue" / "stems").glob("*.wav")]
    assert main(["verify", str(out / "story" / "mix.wav"), *stems]) == 0
    assert "valid" in capsys.readouterr().out
    lines = 3 + 2 + 2
    assert summary["lines"] == lines and summary["rendered"] == lines and summary["failed"] == 0
    assert calls(count) == lines == summary["model_calls"]
    assert sorted(p.name for p in (out / "story").iterdir()) == sorted(p.name for p in (out / "dialogue").iterdir())
    assert [r["renders"] for r in summary["inputs"]] == [3, 2, 2]
    # One actor per CPU, so one on each node, and both took lines.
    assert len({a["node"] for a in summary["actors"]}) == 2 and all(a["lines"] for a in summary["actors"])

    # Run it again: every line is in the store, nothing renders, and the folders are written the same.
    assert main(["batch", str(catalogue / "manifest.csv"), "-o", str(out), "--json"]) == 0
    again = report(out)
    assert calls(count) == lines and again["rendered"] == 0 and again["cached"] == lines
    assert_mixes_equal(out, reference)

    # A job killed half-way left some lines out of the store: only those render.
    lost = sorted((out / ".store").glob("*/*.npz"))[:2]
    for entry in lost:
        entry.unlink()
    assert main(["batch", str(catalogue / "manifest.csv"), "-o", str(out), "--json"]) == 0
    third = report(out)
    assert calls(count) == lines + 2 and third["rendered"] == 2
    assert_mixes_equal(out, reference)
    assert not list(out.glob(".*.partial")) and not list(out.glob("*/.*.partial"))


def test_an_actor_killed_during_its_first_render_is_retried_and_the_catalogue_completes(
        cluster, catalogue, reference, tmp_path, monkeypatch, capsys):
    out, count, marker = tmp_path / "out", tmp_path / "calls", tmp_path / "kill-once"
    marker.touch()
    with_hook(monkeypatch, cluster_hooks.DieOnce(count, marker))
    assert main(["batch", str(catalogue / "manifest.csv"), "-o", str(out), "--json"]) == 0
    summary = report(out)
    assert not marker.exists()  # a process did die
    assert calls(count) == 7 + 1  # the killed render ran again on the restarted actor
    assert summary["failed"] == 0 and all(not r["failures"] for r in summary["inputs"])
    assert_mixes_equal(out, reference)


def test_a_line_that_always_fails_is_reported_and_everything_else_completes(
        cluster, catalogue, reference, tmp_path, monkeypatch, capsys):
    poisoned = tmp_path / "poisoned.txt"
    poisoned.write_text("This first line is fine. Then drink the poison slowly. The last line is fine too.\n")
    (tmp_path / "broken.txt").write_bytes(b"\xff\xfe\x00 not text")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in [
        {"input": str(catalogue / "dialogue.txt"), "voice": "embedded", "loudness": "off"},
        {"input": str(poisoned), "voice": "embedded"},
        {"input": str(poisoned), "output": "poisoned-again", "voice": "embedded"},
        {"input": str(tmp_path / "broken.txt"), "voice": "embedded"},
        {"input": str(catalogue / "film.srt"), "name": "film", "voice": "embedded", "loudness": "podcast"}]))
    out = tmp_path / "out"
    with_hook(monkeypatch, cluster_hooks.FailOn(tmp_path / "calls", "poison"))
    assert main(["batch", str(manifest), "-o", str(out), "--json"]) == 3  # as `studio render` with a failed line
    captured = capsys.readouterr()
    summary = {r["name"]: r for r in report(out)["inputs"]}
    failures = summary["poisoned"]["failures"]
    assert [f["line"] for f in failures] == ["Then drink the poison slowly."]
    assert "cannot say 'poison'" in failures[0]["reason"]
    assert summary["poisoned-again"]["failures"] == failures  # the same line in another input: reported there too,
    assert calls(tmp_path / "calls") == 3 + 3 + 2  # but every distinct line was tried once, the failing one too
    assert 'line "Then drink the poison slowly." failed' in captured.err
    assert len(list((out / "poisoned" / "clips").iterdir())) == 2  # the rest of that input is written
    assert "not UTF-8" in summary["broken"]["error"] and not (out / "broken").exists()
    assert "broken: skipped:" in captured.err and "Traceback" not in captured.err
    assert_mixes_equal(out, {k: reference[k] for k in ("dialogue", "film")})


def test_cuda_on_a_cluster_without_a_gpu_is_one_sentence_and_exit_2(cluster, catalogue, tmp_path, capsys):
    assert main(["batch", str(catalogue / "manifest.csv"), "-o", str(tmp_path / "out"), "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "has no GPU" in err and "Traceback" not in err
