"""After any sequence of commands, undoing all of them gives the initial document and redoing all gives the final."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.commands import (AddSegment, AddTrack, MoveSegment, RemoveSegment, RemoveTrack, SetLibraryMix,
                                  SetPhonemes, edit_text, rename_track, set_emotion, set_segment_mix, set_track_mix)
from studio.core.history import History
from studio.core.model import EMOTIONS, Emotion, Segment, SpeakerMix, Track
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer

SCRIPT = "A: Hello there, friend.\nB: Good morning to you.\nA: Bye now.\nC: What a day it was."
WORDS = ["alpha", "beta", "gamma", "delta", "echo"]


def make_command(project, draw, counter):
    """One valid random command for the current project, or None when the project cannot take that kind."""
    kind = draw(st.sampled_from(["pitch", "energy", "duration", "lock", "emotion", "segmix", "trackmix", "text",
                                 "add", "remove", "move", "addtrack", "removetrack", "rename", "library"]))
    segs, tracks = project.segments, project.tracks
    if kind in ("pitch", "energy", "duration", "lock", "emotion", "segmix", "text", "remove", "move") and not segs:
        return None
    seg = draw(st.sampled_from(segs)) if segs else None
    if kind in ("pitch", "energy", "duration", "lock"):
        n = len(seg.phonemes())
        if n == 0:
            return None
        idx = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
        field, values = {
            "pitch": ("pitch_st", st.floats(-30, 30)), "energy": ("energy_db", st.floats(-30, 30)),
            "duration": ("duration_scale", st.floats(0.05, 12)), "lock": ("locked", st.booleans())}[kind]
        return SetPhonemes(seg.id, idx, field, [draw(values) for _ in idx])
    if kind == "emotion":
        return set_emotion(seg.id, Emotion(draw(st.sampled_from(EMOTIONS)), draw(st.floats(0, 2))))
    if kind == "segmix":
        mix = draw(st.none() | st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), st.floats(0.01, 5), min_size=1))
        return set_segment_mix(seg.id, None if mix is None else SpeakerMix.of(mix))
    if kind == "trackmix" and tracks:
        mix = draw(st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), st.floats(0.01, 5), min_size=1))
        return set_track_mix(draw(st.sampled_from(tracks)).id, SpeakerMix.of(mix))
    if kind == "text":
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
        return edit_text(project, seg.id, " ".join(words) + ".", FakeAnalyzer())
    if kind == "add" and tracks:
        counter[0] += 1
        text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))
        seg_new = Segment(f"new{counter[0]}", text, draw(st.sampled_from(tracks)).id, FakeAnalyzer().analyze(text))
        return AddSegment(seg_new, draw(st.integers(0, len(segs))))
    if kind == "remove":
        return RemoveSegment(seg.id)
    if kind == "move" and tracks:
        return MoveSegment(seg.id, draw(st.integers(0, len(segs))), draw(st.none() | st.sampled_from([t.id for t in tracks])))
    if kind == "addtrack":
        counter[0] += 1
        return AddTrack(Track(f"t{counter[0]}", f"Track {counter[0]}"), draw(st.integers(0, len(tracks))))
    if kind == "removetrack" and tracks:
        return RemoveTrack(draw(st.sampled_from(tracks)).id)
    if kind == "rename" and tracks:
        return rename_track(draw(st.sampled_from(tracks)).id, draw(st.sampled_from(["X", "Y", "Zed"])))
    if kind == "library":
        return SetLibraryMix(draw(st.sampled_from(["one", "two"])),
                             draw(st.none() | st.just(SpeakerMix.of({"s1": 1, "s2": 2}))))
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_undo_all_gives_initial_and_redo_all_gives_final(data):
    project = build_project(parse_script(SCRIPT), FakeAnalyzer(), speakers=["s1", "s2"])
    initial = copy.deepcopy(project)
    history = History(project)
    counter = [0]
    for _ in range(data.draw(st.integers(1, 25))):
        command = make_command(project, data.draw, counter)
        if command is not None:
            history.push(command, merge=data.draw(st.booleans()))
            if data.draw(st.integers(0, 4)) == 0:
                history.seal()
    final = copy.deepcopy(project)
    while history.undo():
        pass
    assert project == initial
    while history.redo():
        pass
    assert project == final
