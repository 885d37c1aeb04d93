"""Issue 15.3: no limit on one utterance. Long sentences split at clauses before any voice sees them; a word and a
line that reach a voice are capped with one sentence."""

import time

import pytest

from studio.core.analysis import AnalysisError
from studio.core.model import SpeakerMix, VoiceRef
from studio.core.script import (MAX_SENTENCE_WORDS, MAX_TOKEN_CHARS, TooLong, check_utterance,
                                parse_script, split_sentences)


def test_a_6000_word_sentence_is_split_at_its_clauses_and_keeps_every_word():
    words = [f"w{i}," if i % 9 == 8 else f"w{i}" for i in range(6000)]
    text = " ".join(words) + "."
    t = time.perf_counter()
    pieces = split_sentences(text)
    assert time.perf_counter() - t < 2
    assert all(len(p.split()) <= MAX_SENTENCE_WORDS for p in pieces)
    assert " ".join(pieces).split() == text.split()  # nothing lost, nothing reordered
    assert sum(p.endswith(",") for p in pieces) >= len(pieces) - 2  # cut at clause marks, not mid-clause


def test_a_million_letter_word_is_cut_to_the_token_cap_at_once():
    t = time.perf_counter()
    lines = parse_script("Before " + "x" * 1_000_000 + " after.")
    assert time.perf_counter() - t < 5
    assert [ln.text for ln in lines] == ["Before " + "x" * MAX_TOKEN_CHARS + " after."]


def test_ordinary_sentences_are_untouched():
    assert split_sentences("Hello there, my friend. How are you?") == ["Hello there, my friend.", "How are you?"]


@pytest.mark.parametrize("text, phrase", [("a" * 1000, "word of 1,000 letters"),
                                          ("word " * 400, "characters, more than")])
def test_what_reaches_a_voice_in_one_piece_is_capped_with_one_sentence(text, phrase):
    from studio.engine.voices.registry import VoiceRegistry

    with pytest.raises(TooLong, match=phrase):
        check_utterance(text)
    with pytest.raises(AnalysisError, match=phrase) as err:
        VoiceRegistry().analyze(text, VoiceRef("embedded", "espeak-ng"), SpeakerMix())
    assert "\n" not in str(err.value)


def test_a_subtitle_cue_too_long_to_say_is_refused_in_one_sentence(tmp_path, capsys):
    from studio.cli import main

    (tmp_path / "a.srt").write_text("1\n00:00:01,000 --> 00:00:09,000\n" + "word " * 400 + "\n")
    assert main(["render", str(tmp_path / "a.srt"), "--voice", "embedded", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "split it into sentences" in err and "Traceback" not in err
