"""Script structure as commands: split a line at a character, merge a line with the next, give a line another
speaker. Each builds one Macro (one undo step) from a voice's analysis, so these run on a worker thread and the
macro is pushed on the GUI thread. Inserting typed or pasted lines is production.importing.insert_lines: it goes
the way of an import."""

from __future__ import annotations

import copy

from studio.core.analysis import Analyzer
from studio.core.commands import AddSegment, EditText, Macro, MoveSegment, RemoveSegment
from studio.core.model import Project, Segment, new_id
from studio.core.retext import carry_edits


def split_segment(project: Project, segment_id: str, at: int, analyzer: Analyzer, text: str | None = None) -> Macro:
    """Split a line at character `at` of its text (or of `text`, what the user is typing) into two lines of the
    same speaker and settings."""
    seg = project.segment(segment_id)
    source = seg.text if text is None else text
    head, tail = source[:at].strip(), source[at:].strip()
    if not head or not tail:
        raise ValueError("Put the cursor between two words to split the line there.")
    track = project.track(seg.track_id)
    mix = project.effective_mix(seg)
    head_words = carry_edits(seg.words, analyzer.analyze(head, track.voice, mix))
    tail_words = carry_edits(seg.words, analyzer.analyze(tail, track.voice, mix))
    second = Segment(new_id(), tail, seg.track_id, tail_words, emotion=seg.emotion, mix=seg.mix, seed=seg.seed,
                     controls=seg.controls, gap_after=seg.gap_after)
    return Macro([EditText(seg.id, head, head_words), AddSegment(second, project.segment_index(seg.id) + 1)],
                 f"Split line at '{tail.split()[0]}'")


def merge_with_next(project: Project, segment_id: str, analyzer: Analyzer) -> Macro:
    """Join a line and the next one into one line, spoken by the first line's speaker."""
    i = project.segment_index(segment_id)
    if i + 1 >= len(project.segments):
        raise ValueError("This is the last line; select the first of the two lines to merge.")
    seg, nxt = project.segments[i], project.segments[i + 1]
    text = f"{seg.text} {nxt.text}"
    track = project.track(seg.track_id)
    words = carry_edits(seg.words + nxt.words, analyzer.analyze(text, track.voice, project.effective_mix(seg)))
    return Macro([EditText(seg.id, text, words), RemoveSegment(nxt.id)], "Merge lines")


def change_speaker(project: Project, segment_id: str, track_id: str, analyzer: Analyzer) -> Macro:
    """Give a line to another track; it is analysed again, since the new voice may say it differently."""
    seg = project.segment(segment_id)
    track = project.track(track_id)
    mix = seg.mix if seg.mix is not None else track.mix
    words = carry_edits(seg.words, analyzer.analyze(seg.text, track.voice, mix))
    return Macro([MoveSegment(seg.id, project.segment_index(seg.id), track_id), EditText(seg.id, seg.text, words)],
                 f"Speaker of line to {track.name}")


def copy_project(project: Project) -> Project:
    return copy.deepcopy(project)
