"""The editor's proof pass: off the GUI thread (measured), once per render, counts, marks, next flag, dismiss."""

import shutil
import time

from PySide6.QtCore import QTimer

from studio.cli import DEMO_PROJECT
from studio.core.commands import set_segment_seed
from studio.engine.guide.proof import LineProof, WordProof
from studio.ui.script_panel import COL_FLAGS
from tests.ui.helpers import settle


def _open(make_window, tmp_path, proof):
    path = tmp_path / "demo.json"
    shutil.copy(DEMO_PROJECT, path)
    w = make_window(proof=proof)
    assert w.open_path(path)
    settle(w)
    return w


def test_the_proof_pass_never_blocks_the_gui_and_reruns_only_rerendered_lines(make_window, tmp_path, qtbot):
    w = _open(make_window, tmp_path, proof=True)
    segments = w.document.project.segments
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    timer.start()
    qtbot.waitUntil(lambda: all(s.id in w.proof.proofs for s in segments) and w.proof.idle(), timeout=180_000)
    timer.stop()
    # Aligning a line takes about 2 s of PocketSphinx holding the interpreter lock; on a thread every one of
    # those would be a frozen window. In the worker process the event loop keeps ticking.
    assert w.proof.runs == len(segments)
    assert max(gaps) < 0.5, f"the GUI thread stalled for {max(gaps):.2f} s"
    assert all(w.script.flags_text(s.id) != "" for s in segments)
    assert w.script.item(0, COL_FLAGS).text() == w.script.flags_text(segments[0].id)

    w.document.push(set_segment_seed(segments[2].id, 7))  # one line re-renders, with another take
    settle(w)
    qtbot.waitUntil(lambda: w.proof.idle() and w.proof.runs == len(segments) + 1, timeout=60_000)
    qtbot.wait(300)
    assert w.proof.runs == len(segments) + 1  # the seven others kept their proofs
    w.document.undo_stack.undo()  # back to a render whose proof is cached: nothing runs
    settle(w)
    qtbot.wait(300)
    assert w.proof.runs == len(segments) + 1 and w.proof.idle()


def test_next_flagged_word_marks_dismissal_and_best_of_takes(make_window, tmp_path, qtbot):
    w = _open(make_window, tmp_path, proof=False)
    seg = w.document.project.segments[6]  # "That was a horn, and it is getting close…"
    words = tuple(WordProof(x.text, 0.0, 0.1, "fine", -8.0, 1.0, i) for i, x in enumerate(seg.words))
    bad = 3
    words = words[:bad] + (WordProof(seg.words[bad].text, 0.5, 0.52, "missing", -60.0, 0.1, bad),) + words[bad + 1:]
    w.proof.proofs[seg.id] = (w.render.current_key(seg.id), LineProof(words))
    w.proof_actions.refresh()
    assert w.script.flags_text(seg.id) == "1" and w.proof_actions.marks() == 1
    w.script.select_segment(w.document.project.segments[0].id)
    w.next_flag_action.trigger()
    assert w.script.selected_segment_id() == seg.id and w.proof_actions.current == (seg.id, bad)
    assert seg.words[bad].text in w.message.text()
    w.proof_actions.dismiss_current()
    assert seg.flag_dismissed(bad) and w.script.flags_text(seg.id) == "0" and w.proof_actions.marks() == 0
    w.document.undo_stack.undo()
    assert not seg.flag_dismissed(bad) and w.script.flags_text(seg.id) == "1" and w.proof_actions.marks() == 1

    # Best of takes: one undo step when another seed wins, none when the line's own take is kept.
    seg = w.document.project.segments[1]  # "Do you hear that?" (Hibari)
    w.script.select_segment(seg.id)
    steps = w.document.undo_stack.count()
    job = w.proof_actions.best_of_takes(3)
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=120_000)
    qtbot.wait(100)
    message = w.message.text()
    assert message.startswith("Best of 3 takes: take ")
    if seg.seed == 0:
        assert "kept" in message and w.document.undo_stack.count() == steps
    else:
        assert seg.seed in (1, 2) and w.document.undo_stack.count() == steps + 1
        w.document.undo_stack.undo()
        assert seg.seed == 0
