from studio.core.script import NARRATOR, parse_script, split_sentences
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


def test_plain_text_splits_into_sentences_and_respects_abbreviations():
    lines = parse_script("Dr. Smith arrived at 3.30 p.m. today. He was late!\n\nA new paragraph? Yes.")
    assert [l.text for l in lines] == ["Dr. Smith arrived at 3.30 p.m. today.", "He was late!",
                                       "A new paragraph?", "Yes."]
    assert all(l.speaker is None for l in lines)


def test_dialogue_script_gives_one_track_per_speaker_in_order():
    text = "ALICE: Hi there. How are you?\nBob: Fine.\n\nALICE: Good.\n"
    lines = parse_script(text)
    assert [(l.speaker, l.text) for l in lines] == [
        ("ALICE", "Hi there."), ("ALICE", "How are you?"), ("Bob", "Fine."), ("ALICE", "Good.")]
    project = build_project(lines, FakeAnalyzer(), speakers=["s1", "s2"])
    assert [t.name for t in project.tracks] == ["ALICE", "Bob"]
    assert [t.mix.as_dict() for t in project.tracks] == [{"s1": 1.0}, {"s2": 1.0}]
    alice = project.tracks[0].id
    assert [s.text for s in project.segments_of(alice)] == ["Hi there.", "How are you?", "Good."]


def test_a_url_or_a_time_is_not_mistaken_for_a_speaker():
    lines = parse_script("See http://example.com for more.\nThe time was 10: 30 exactly.")
    assert all(l.speaker is None for l in lines)
    assert build_project(lines, FakeAnalyzer()).tracks[0].name == NARRATOR


def test_empty_and_whitespace_scripts_give_no_lines():
    assert parse_script("") == []
    assert parse_script("  \n\t \n") == []
    assert split_sentences("   ") == []
