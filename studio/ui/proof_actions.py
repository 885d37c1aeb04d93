"""What the editor does with proof flags: marks on the phoneme lane, Edit › Next flagged word, Edit › Dismiss
flag, and the count per line in the script panel (script_panel.COL_FLAGS)."""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg

from studio.core.commands import dismiss_flag, set_segment_seed
from studio.engine.guide.proof import MISSING
from studio.engine.guide.takes import Take, best_take, intended_duration, take_seeds
from studio.engine.render.pipeline import render_request
from studio.engine.voices.backbone import request_for

from studio.ui.background import Job

from studio.ui.proof_controller import ProofController

COLOURS = {MISSING: (230, 60, 60, 90), "doubtful": (240, 170, 40, 80)}


def word_start(seg, index: int, line_start: float) -> tuple[float, float]:
    """(start, end) of word `index` on the timeline, from the document's phoneme durations."""
    t = line_start
    for i, w in enumerate(seg.words):
        d = sum(p.target_duration for p in w.phonemes)
        if i == index:
            return t, t + d
        t += d
    return t, t


class ProofActions:
    def __init__(self, window, controller: ProofController):
        self.window, self.proof = window, controller
        self.current: tuple[str, int] | None = None  # the flag Next flagged word went to last
        self._marks: list = []
        self.takes_job: Job | None = None
        controller.proofed.connect(lambda seg_id: self._on_proofed(seg_id))
        controller.failed.connect(window.show_error)
        window.document.changed.connect(lambda touched: self.refresh())
        window.document.reset.connect(self.refresh)

    def _on_proofed(self, segment_id: str) -> None:
        self.window.script.show_flags(segment_id, self.proof.count(segment_id))
        self.refresh_marks()

    def refresh(self) -> None:
        for seg in self.window.document.project.segments:
            self.window.script.show_flags(seg.id, self.proof.count(seg.id))
        self.refresh_marks()

    def refresh_marks(self) -> None:
        """One shaded region per flag on the phoneme lane: red for a missing word, amber for a doubtful one."""
        plot = self.window.timeline.phonemes.plot
        for item in self._marks:
            plot.removeItem(item)
        self._marks = []
        timeline = self.window.timeline
        for seg, place in zip(self.window.document.project.segments, timeline.data.placements):
            for w in self.proof.flags(seg.id):
                a, b = word_start(seg, w.index, place.start)
                region = pg.LinearRegionItem((a, b), movable=False, brush=pg.mkBrush(COLOURS.get(w.verdict)))
                region.setZValue(-5)
                region.setToolTip(f"{w.text}: {w.verdict} (score {w.score:.1f})")
                plot.addItem(region)
                self._marks.append(region)

    def marks(self) -> int:
        return len(self._marks)

    def next_flagged_word(self) -> None:
        w = self.window
        seg_id, index = self.current if self.current else (w.script.selected_segment_id(), -1)
        found = self.proof.next_flag(seg_id, index)
        if found is None:
            pending = (" (the proof pass is off)" if not self.proof.enabled else
                       "" if self.proof.idle() else " yet (lines are still being proof-listened)")
            w.show_info(f"No flagged words{pending}.")
            return
        seg_id, word = found
        self.current = (seg_id, word.index)
        project = w.document.project
        pos = [s.id for s in project.segments].index(seg_id)
        w.script.select_segment(seg_id)
        place = w.timeline.data.placements[pos] if pos < len(w.timeline.data.placements) else None
        if place is not None:
            start, _ = word_start(project.segments[pos], word.index, place.start)
            w.timeline.set_cursor(start)
        w.timeline.select_word(pos, word.index)
        w.show_info(f"Line {pos + 1}: '{word.text}' sounds {word.verdict} (score {word.score:.1f}). Listen, then "
                    "re-render it with another take or dismiss the flag (Edit › Dismiss flag).")

    def dismiss_current(self) -> None:
        w = self.window
        if self.current is None:
            w.show_info("Go to a flagged word first (Edit › Next flagged word).")
            return
        seg_id, index = self.current
        try:
            w.document.push(dismiss_flag(w.document.project, seg_id, index))
        except (KeyError, ValueError):
            w.show_info("That word is no longer in the line.")
        self.current = None
        self.refresh()

    def best_of_takes(self, n: int = 4) -> Job | None:
        """Render N takes of the selected line in the background (renders on a thread, proofs in the proof
        process), then keep the best one's seed as one undo step and say why it won."""
        w = self.window
        seg_id = w.script.selected_segment_id()
        if seg_id is None:
            w.show_info("Select a line in the script first.")
            return None
        project = w.document.project
        seg = project.segment(seg_id)
        voice = project.track(seg.track_id).voice
        backbone = w.document.voices.ready(voice)
        if backbone is None:
            w.show_info("The line's voice is still loading; try again in a moment.")
            return None
        try:
            request = request_for(project, seg, backbone, w.document.lexicon())
        except ValueError as exc:
            w.show_error(str(exc))
            return None
        base = seg.seed

        def work(job: Job):
            takes = []
            for i, seed in enumerate(take_seeds(base, n)):
                if job.cancelled:
                    return None
                job.report(i, n, f"take {i + 1} of {n}")
                r = replace(request, seed=seed)
                result = render_request(backbone, r)
                found = self.proof.proof_later(r, result).result()  # waits on this thread, not the GUI's
                takes.append(Take(seed, result, found, intended_duration(request)))
            return best_take(takes)

        job = Job(work, errors=(Exception,), parent=w)
        self.takes_job = job
        w.show_info(f"Rendering {n} takes of the line…")

        def finished(found):
            if found is None:
                return
            win, why = found
            try:
                current = w.document.project.segment(seg_id)
            except KeyError:
                return
            if win.seed != current.seed:
                w.document.push(set_segment_seed(seg_id, win.seed))
            w.show_info(f"Best of {n} takes: {why}.")
        job.finished.connect(finished)
        job.failed.connect(w.show_error)
        return job.start()

    def set_enabled(self, on: bool) -> None:
        self.proof.enabled = on
        if on:
            self.window.render.render_all()  # ready lines report again; cached renders cost nothing
        self.refresh()
