"""The pronunciation lexicon, line controls, pauses and script structure, on the deterministic fake voice."""

import pytest

from studio.core import lexicon as lex
from studio.core.history import History
from studio.core.line_prosody import comma_pauses, effective_edits, gap_before
from studio.core.model import LineControls, PauseSettings
from studio.core.commands import SetLexiconEntry, set_line_controls, set_pauses
from studio.core.project_io import dumps, is_project_file, loads, save
from studio.core.script import parse_script
from studio.production.importing import build_project
from studio.core.structure import change_speaker, merge_with_next, split_segment
from studio.production.importing import insert_lines
from studio.core.timeline import layout
from tests.helpers import FakeAnalyzer


def test_lexicon_rewrites_whole_words_and_restores_spelling():
    text, replaced = lex.apply("Nguyen met nguyen's friend, Nguyen.", {"Nguyen": "win"})
    assert text == "win met nguyen's friend, win."
    assert [r.original for r in replaced] == ["Nguyen", "Nguyen"]
    ipa, _ = lex.apply("Say Nguyen now", {"nguyen": "/ˈwɪn/"})
    assert ipa == "Say [[w'In]] now"
    assert lex.apply("Say Nguyen", {"nguyen": "/ˈwɪn/"}, phoneme_input=False)[0] == "Say Nguyen"
    words = FakeAnalyzer().analyze(text)
    assert [w.text for w in lex.restore_words(words, replaced)][:2] == ["Nguyen", "met"]
    with pytest.raises(lex.LexiconError, match="not supported"):
        lex.check_entry("x", "/ʘ/")
    assert lex.merged({"A": "ay"}, {"a": "ah", "b": "bee"}) == {"b": "bee", "A": "ay"}


def test_lexicon_command_undoes_and_round_trips_through_the_file(tmp_path):
    project = build_project(parse_script("Hello there."), FakeAnalyzer())
    h = History(project)
    h.push(SetLexiconEntry("Nguyen", "/ˈwɪn/"))
    h.push(SetLexiconEntry("nguyen", "win"))  # same word, other case: replaces
    assert project.lexicon == {"nguyen": "win"}
    h.undo()
    assert project.lexicon == {"Nguyen": "/ˈwɪn/"}
    project.pauses = PauseSettings(comma=0.4, sentence=0.5, question=0.7, paragraph=1.2)
    project.segments[0].controls = LineControls(speed=1.5, intonation=0.5)
    project.segments[0].gap_after = 0.25
    path = tmp_path / "p.anything"
    save(project, path)
    assert is_project_file(path) and not is_project_file(tmp_path)
    back = loads(path.read_text())
    assert back.lexicon == project.lexicon and back.pauses == project.pauses
    assert back.segments[0].controls == project.segments[0].controls and back.segments[0].gap_after == 0.25
    assert '"schema_version": 2' in dumps(back)


def test_line_controls_fold_into_phoneme_edits_and_pauses_into_gaps():
    project = build_project(parse_script("One, two three?\n\nFour five.\nSix."), FakeAnalyzer())
    first = project.segments[0]
    assert comma_pauses(first) == {1}
    plain = effective_edits(project, first)
    h = History(project)
    h.push(set_line_controls(first.id, LineControls(speed=2.0, volume_db=3.0, pitch_st=2.0)))
    fast = effective_edits(project, first)
    assert all(abs(f[0] - p[0] / 2) < 1e-9 and f[1] == p[1] + 2 and f[2] == p[2] + 3 for f, p in zip(fast, plain))
    h.push(set_pauses(PauseSettings(comma=1.0, sentence=0.2, question=0.6, paragraph=1.5)))
    pause = next(k for k, p in enumerate(first.phonemes()) if p.is_pause)
    assert effective_edits(project, first)[pause][0] * first.phonemes()[pause].duration == pytest.approx(0.5)
    assert project.segments[1].paragraph_start
    assert gap_before(project, 1) == 1.5 and gap_before(project, 2) == 0.2
    places = layout(project)
    assert places[1].start - places[0].end == pytest.approx(1.5)


def test_split_merge_insert_and_change_speaker_are_single_undo_steps():
    fa = FakeAnalyzer()
    project = build_project(parse_script("ALICE: Hello there friend.\nBOB: Bye now."), fa)
    h = History(project)
    first = project.segments[0]
    h.push(split_segment(project, first.id, first.text.index("there"), fa))
    assert [s.text for s in project.segments] == ["Hello", "there friend.", "Bye now."]
    h.push(merge_with_next(project, first.id, fa))
    assert [s.text for s in project.segments] == ["Hello there friend.", "Bye now."]
    h.push(insert_lines(project, 1, parse_script("CAROL: New one. Another."), fa, project.tracks[0].voice))
    assert [project.track(s.track_id).name for s in project.segments] == ["ALICE", "CAROL", "CAROL", "BOB"]
    bob = project.track_named("BOB")
    h.push(change_speaker(project, first.id, bob.id, fa))
    assert project.segments[0].track_id == bob.id and h.undo_text == "Speaker of line to BOB"
    for _ in range(4):
        h.undo()
    assert [s.text for s in project.segments] == ["Hello there friend.", "Bye now."]
    assert [t.name for t in project.tracks] == ["ALICE", "BOB"]
