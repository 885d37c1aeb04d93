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

    from studio.engine.cache import RenderCache
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
    from studio.core.script import build_project, parse_script
    from studio.engine.backbone import request_for
    from studio.engine.cache import RenderCache
    from studio.engine.render import render_request, render_segment
    from studio.engine.scheduler import RenderScheduler, State
    from studio.engine.voices import VoiceRegistry

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quick", action="store_true", help="two chapters instead of twelve, 200 edits")
    args = parser.parse_args()
    from studio.cli import main as studio

    report: dict = {}
    scratch = Path(tempfile.mkdtemp())
    script = scratch / "audiobook.txt"
    script.write_text(audiobook_script(2 if args.quick else 12))
    t = time.perf_counter()
    assert studio(["new", str(script), "-o", str(scratch / "audiobook.json")]) == 0
    report["build_project_s"] = time.perf_counter() - t
    doc = json.loads((scratch / "audiobook.json").read_text())
    report["segments"] = len(doc["segments"])
    report["words"] = sum(1 for s in doc["segments"] for w in s["words"] if w["text"])
    editor_figures(scratch / "audiobook.json", report)
    storm_figures(report, edits=200 if args.quick else 1000, seconds=2.0 if args.quick else 10.0)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in report.items()}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
