"""Reliability figures for docs/reliability.md: a one-hour audiobook in the editor, and an edit storm.

    python scripts/bench_reliability.py [--json OUT] [--quick]

1. Builds an audiobook project of about 9,000 words and 700 segments (the benchmark story twelve times with the
   demo dialogue between chapters) with the embedded voice, then, offscreen:
   - the time from creating the window to the project shown (script panel filled, timeline drawn);
   - the time to redraw the timeline at 60 positions across the hour (10-second view), median and worst;
   - resident memory after opening, after scrolling, and after rendering every segment (render cache capped).
2. Storm: 1,000 edits pushed in 10 seconds at random phonemes of a 50-segment project through the render
   worker; then the time to settle, the renders actually run, and whether every segment's audio equals a clean
   render of the final document.
3. Long render (issue 15): a 2-hour, 2-track dialogue written as `studio render` writes it (stems, mix, clips,
   timing files) at 48 kHz with loudness normalisation, in a child process whose peak RSS is reported. The
   lines come from a fake backbone (speech-shaped noise at 22.05 kHz, 3 s a line, a line every 4 s, the tracks
   taking turns) so that the figure measures the writers, not a voice: 1,800 renders held at their own rate
   (476 MB), 2 h of timeline at the output rate (three 1 GB files) streamed in blocks.

    python scripts/bench_reliability.py --only long [--hours 2]

4. Hostile model folders (issue 15.5): a config asking for a billion channels or -5, JSON nested 100,000 deep,
   a bad model card, a FIFO, a link to /etc/passwd, random bytes and a 1 GiB zip bomb as model.pth, FastPitch
   weights in a VITS folder; for each, the time to the refusal, the sentence, and the peak memory it added.

    python scripts/bench_reliability.py --only models
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def audiobook_script(chapters: int) -> str:
    story = (ROOT / "assets" / "bench" / "harbour_5min.txt").read_text()
    dialogue = (ROOT / "assets" / "demo" / "lighthouse.txt").read_text()
    parts = []
    for _ in range(chapters):
        parts.append(story)
        parts.append(dialogue)
    return "\n\n".join(parts)


def editor_figures(project_path: Path, report: dict) -> None:
    from PySide6.QtCore import QSettings

    from studio.engine.render.cache import RenderCache
    from studio.ui.app import make_app, settle
    from studio.ui.main_window import MainWindow

    app = make_app()
    scratch = Path(tempfile.mkdtemp())
    report["rss_before_mb"] = rss_mb()
    t = time.perf_counter()
    window = MainWindow(settings=QSettings(str(scratch / "s.ini"), QSettings.IniFormat),
                        render_cache=RenderCache(scratch / "cache"), recovery_dir=scratch / "rec")
    window.resize(1600, 1000)
    window.show()
    assert window.open_path(project_path)
    app.processEvents()
    report["open_s"] = time.perf_counter() - t
    report["rss_open_mb"] = rss_mb()
    total = window.timeline.data.total
    report["project_hours"] = total / 3600
    rng = random.Random(0)

    def scroll() -> list[float]:
        """Redraw times of a 10-second view at 60 random places."""
        times = []
        for _ in range(60):
            start = rng.uniform(0, max(0.0, total - 10))
            t = time.perf_counter()
            window.timeline.show_range(start, start + 10)
            window.timeline.repaint()
            app.processEvents()
            times.append(time.perf_counter() - t)
        return times
    times = scroll()
    report["scroll_redraw_median_ms"] = statistics.median(times) * 1000
    report["scroll_redraw_worst_ms"] = max(times) * 1000
    report["rss_scrolled_mb"] = rss_mb()
    t = time.perf_counter()
    settle(window, timeout=1800)
    report["render_all_s"] = time.perf_counter() - t
    report["rss_rendered_mb"] = rss_mb()
    # The same scroll with every segment rendered (waveforms drawn), and the redraw at several zoom levels.
    times = scroll()
    report["scroll_rendered_median_ms"] = statistics.median(times) * 1000
    report["scroll_rendered_worst_ms"] = max(times) * 1000
    for span in (60, 300, total):
        t = time.perf_counter()
        window.timeline.show_range(0, span)
        window.timeline.repaint()
        app.processEvents()
        report[f"zoom_{int(span)}s_redraw_ms"] = (time.perf_counter() - t) * 1000
    window.close()


def storm_figures(report: dict, edits: int = 1000, seconds: float = 10.0) -> None:
    import numpy as np

    from studio.core.commands import SetPhonemes
    from studio.core.history import History
    from studio.core.script import parse_script
    from studio.production.importing import build_project
    from studio.engine.voices.backbone import request_for
    from studio.engine.render.cache import RenderCache
    from studio.engine.render.pipeline import render_request, render_segment
    from studio.engine.render.scheduler import RenderScheduler, State
    from studio.engine.voices.registry import VoiceRegistry

    registry = VoiceRegistry()
    text = (ROOT / "assets" / "bench" / "harbour_5min.txt").read_text()
    project = build_project(parse_script(text), registry)
    backbone = registry.backbone(project.tracks[0].voice)
    scheduler = RenderScheduler(lambda req: render_request(backbone, req), RenderCache(None), debounce_s=0.05)
    history = History(project)
    history.subscribe(lambda touched: [scheduler.submit(s, request_for(project, project.segment(s), backbone))
                                       for s in touched])
    rng = random.Random(1)
    t0 = time.perf_counter()
    for i in range(edits):
        seg = rng.choice(project.segments)
        history.push(SetPhonemes(seg.id, [rng.randrange(len(seg.phonemes()))], "pitch_st", [rng.uniform(-5, 5)]))
        time.sleep(max(0.0, t0 + (i + 1) * seconds / edits - time.perf_counter()))
    report["storm_push_s"] = time.perf_counter() - t0
    t = time.perf_counter()
    settled = scheduler.wait_idle(600)
    report["storm_settle_s"] = time.perf_counter() - t
    report["storm_edits"] = edits
    report["storm_renders"] = scheduler.renders
    touched = {s.id for s in project.segments if scheduler.status(s.id) is not None}
    exact = all(scheduler.status(s).state is State.READY and np.array_equal(
        scheduler.result(s).audio, render_segment(project, project.segment(s), registry).audio) for s in touched)
    report["storm_settled"] = settled
    report["storm_final_audio_exact"] = exact
    report["storm_segments_touched"] = len(touched)
    scheduler.close()


def long_project(hours: float, rate: int = 22050):
    import numpy as np

    from studio.core.model import Phoneme, Project, Segment, Track, Word
    from studio.engine.voices.backbone import RenderResult

    project = Project(title="two hours", tracks=[Track("a", "ANNA"), Track("b", "BEN")])
    results = {}
    rng = np.random.default_rng(0)
    n = int(hours * 3600 / 4)
    t = np.arange(3 * rate) / rate
    envelope = (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)) * np.minimum(1, np.minimum(t, 3 - t) / 0.05)
    for i in range(n):
        words = [Word(f"w{k}", [Phoneme("a", 0.25), Phoneme("b", 0.25)]) for k in range(5)]
        seg = Segment(f"s{i}", "w0 w1 w2 w3 w4", "ab"[i % 2], words, start=4.0 * i)
        project.segments.append(seg)
        audio = (0.1 * rng.standard_normal(len(t)) * envelope).astype(np.float32)
        bounds = tuple(int(x) for x in np.linspace(0.25 * rate, 2.75 * rate, 11))
        results[seg.id] = RenderResult(audio, rate, bounds)
    return project, results


def long_child(hours: float, out: Path) -> None:
    """Run in a fresh process: its peak RSS is the render's, not the benchmark's."""
    import resource

    from studio.production.batch import Rendered, write_outputs

    t = time.perf_counter()
    project, results = long_project(hours)
    built = time.perf_counter() - t
    rss_results = rss_mb()
    t = time.perf_counter()
    done = Rendered(project, 0, [])
    write_outputs(out, results, done, 48000, loudness_target=-23.0)
    print(json.dumps({"long_hours": hours, "long_segments": len(project.segments), "long_build_s": built,
                      "long_rss_with_renders_mb": rss_results, "long_write_s": time.perf_counter() - t,
                      "long_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "long_mix_bytes": (out / "mix.wav").stat().st_size,
                      "long_mix_lufs": done.loudness["mix.wav"].lufs,
                      "long_mix_true_peak_db": done.loudness["mix.wav"].true_peak_db}))


def long_render_figures(report: dict, hours: float) -> None:
    import shutil
    import subprocess

    out = Path(tempfile.mkdtemp()) / "out"
    out.mkdir()
    try:
        child = subprocess.run([sys.executable, __file__, "--child-long", str(hours), str(out)], capture_output=True,
                               text=True, check=True)
        report.update(json.loads(child.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def hostile_model_figures(report: dict) -> None:
    """Issue 15.5: each hostile model folder, the time to its refusal and the memory it cost. The zip bomb is a
    real one (1 GiB of zeros deflated to about 1 MB); before the checks, torch read 4.7 GB of such a file."""
    import resource
    import shutil
    import threading
    import zipfile

    import torch
    from TTS.tts.configs.vits_config import VitsConfig

    from studio.engine.voices import coqui
    from studio.engine.errors import ModelError

    base = Path(tempfile.mkdtemp())
    config = VitsConfig().to_dict()

    def folder(name: str, weights: dict | None = None, change=None) -> Path:
        path = base / name
        path.mkdir()
        cfg = json.loads(json.dumps(config))
        if change:
            change(cfg)
        (path / "config.json").write_text(json.dumps(cfg))
        torch.save({"model": weights or {"text_encoder.w": torch.zeros(4), "waveform_decoder.w": torch.zeros(4)}},
                   path / "model.pth")
        return path

    def bomb(path: Path) -> None:
        with zipfile.ZipFile(path / "model.pth", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
            with archive.open("archive/data/0", "w", force_zip64=True) as entry:
                block = bytes(2**24)
                for _ in range(64):
                    entry.write(block)

    cases = {
        "hidden_1e9": lambda p: None,
        "hidden_minus_5": lambda p: None,
        "nested_config": lambda p: (p / "config.json").write_text("[" * 100_000),
        "bad_card": lambda p: (p / "model_card.json").write_text('"a string"'),
        "fifo_checkpoint": lambda p: ((p / "model.pth").unlink(), os.mkfifo(p / "model.pth")),
        "link_to_etc_passwd": lambda p: ((p / "model.pth").unlink(), os.symlink("/etc/passwd", p / "model.pth")),
        "garbage_checkpoint": lambda p: (p / "model.pth").write_bytes(os.urandom(4096)),
        "zip_bomb_1gib": bomb,
        "fastpitch_weights": lambda p: torch.save({"model": {"encoder.w": torch.zeros(4), "decoder.w": torch.zeros(4),
                                                             "duration_predictor.w": torch.zeros(4)}},
                                                  p / "model.pth"),
    }
    changes = {"hidden_1e9": lambda c: c["model_args"].update(hidden_channels=1e9),
               "hidden_minus_5": lambda c: c["model_args"].update(hidden_channels=-5)}
    coqui.loading.card_from("warm", {})
    try:
        for name, make in cases.items():
            path = folder(name, change=changes.get(name))
            make(path)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result: dict = {}

            def load():
                try:
                    coqui.load(str(path))
                    result["message"] = "LOADED"
                except ModelError as exc:
                    result["message"] = str(exc)
                except Exception as exc:  # noqa: BLE001 - a traceback is the failure this measures
                    result["message"] = f"CRASH {type(exc).__name__}: {exc}"
            t = time.perf_counter()
            thread = threading.Thread(target=load, daemon=True)
            thread.start()
            thread.join(30)
            report[f"model_{name}_ms"] = (time.perf_counter() - t) * 1000
            report[f"model_{name}_refusal"] = result.get("message", "HUNG (30 s)")
            report[f"model_{name}_peak_rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                                          - rss) / 1024
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quick", action="store_true", help="two chapters instead of twelve, 200 edits")
    parser.add_argument("--only", choices=["editor", "storm", "long", "models"], help="run one part")
    parser.add_argument("--hours", type=float, default=2.0, help="length of the long render (default 2)")
    parser.add_argument("--child-long", nargs=2, metavar=("HOURS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_long:
        long_child(float(args.child_long[0]), Path(args.child_long[1]))
        return 0
    report: dict = {}
    if args.only in ("long", "models"):
        (hostile_model_figures(report) if args.only == "models" else long_render_figures(report, args.hours))
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in report.items()}, indent=1))
        if args.json:
            args.json.write_text(json.dumps(report, indent=1))
        return 0
    from studio.cli import main as studio

    scratch = Path(tempfile.mkdtemp())
    script = scratch / "audiobook.txt"
    script.write_text(audiobook_script(2 if args.quick else 12))
    t = time.perf_counter()
    assert studio(["new", str(script), "-o", str(scratch / "audiobook.json")]) == 0
    report["build_project_s"] = time.perf_counter() - t
    doc = json.loads((scratch / "audiobook.json").read_text())
    report["segments"] = len(doc["segments"])
    report["words"] = sum(1 for s in doc["segments"] for w in s["words"] if w["text"])
    if args.only in (None, "editor"):
        editor_figures(scratch / "audiobook.json", report)
    if args.only in (None, "storm"):
        storm_figures(report, edits=200 if args.quick else 1000, seconds=2.0 if args.quick else 10.0)
    if args.only is None:
        long_render_figures(report, 0.25 if args.quick else args.hours)
        hostile_model_figures(report)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in report.items()}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
