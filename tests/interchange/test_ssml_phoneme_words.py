"""A <phoneme> over several written words (issue 24, item 11): the words stay the written words, the phonemes
are split to them in the alignment, the TextGrid and edits.ssml, and edits.ssml renders back the same."""

import json

from praatio import textgrid

from studio.cli import main
from studio.core.lexicon import apply, restore_words
from studio.core.model import Phoneme, Word

DOC = '<speak>I flew to <phoneme alphabet="ipa" ph="ˈnuː ˈjɔːrk">New York</phoneme> today.</speak>'
IPA = set("ˈˌːɔʊəɪʃʒθðŋɹ")


def _words(folder):
    doc = json.loads((folder / "alignment.json").read_text(encoding="utf-8"))
    return [(w["text"], [p["symbol"] for p in w["phonemes"]]) for s in doc["segments"] for w in s["words"]
            if w["text"]]


def test_written_words_and_split_phonemes_everywhere_and_a_round_trip(tmp_path):
    (tmp_path / "ny.ssml").write_text(DOC, encoding="utf-8")
    assert main(["render", str(tmp_path / "ny.ssml"), "-o", str(tmp_path / "a"), "--voice", "embedded"]) == 0
    words = _words(tmp_path / "a")
    assert [w for w, _ in words] == ["I", "flew", "to", "New", "York", "today"]
    new, york = dict(words)["New"], dict(words)["York"]
    assert new and york and new[0] == "n" and york[-1] == "k"
    tg = textgrid.openTextgrid(str(tmp_path / "a" / "alignment.TextGrid"), includeEmptyIntervals=False)
    labels = [e.label for name in tg.tierNames if name.endswith("words") for e in tg.getTier(name).entries]
    assert "New" in labels and "York" in labels and not any(set(label) & IPA for label in labels)
    edits = (tmp_path / "a" / "edits.ssml").read_text(encoding="utf-8")
    assert 'ph="ˈnuː ˈjɔːrk">New York</phoneme>' in edits
    assert main(["render", str(tmp_path / "a" / "edits.ssml"), "-o", str(tmp_path / "b"), "--voice", "embedded"]) == 0
    assert _words(tmp_path / "b") == words  # the same words and the same sounds, not the IPA spelt out


def _p(symbol):
    return Phoneme(symbol, 0.08, 120.0, 0.1)


def test_a_voice_that_makes_a_word_of_each_ipa_chunk_gets_the_written_words_back():
    text, replaced = apply("to New York now", {"New York": "/ˈnuː ˈjɔːrk/"}, "ipa")
    assert text == "to [[ˈnuː ˈjɔːrk]] now"
    analysed = [Word("to", [_p("t"), _p("uː")]), Word("ˈnuː", [_p("n"), _p("uː"), _p("j")]),
                Word("ˈjɔːrk", [_p("ɔː"), _p("r"), _p("k")]), Word("now", [_p("n"), _p("aʊ")])]
    words = restore_words(analysed, replaced)
    assert [(w.text, [p.symbol for p in w.phonemes]) for w in words] == [
        ("to", ["t", "uː"]), ("New", ["n", "uː"]), ("York", ["j", "ɔː", "r", "k"]), ("now", ["n", "aʊ"])]


def test_a_voice_that_makes_one_word_of_it_gets_the_written_words_back():
    _, replaced = apply("New York", {"New York": "/ˈnuː ˈjɔːrk/"})
    words = restore_words([Word("New York", [_p(s) for s in ("n", "uː", "j", "ɔː", "r", "k")])], replaced)
    assert [(w.text, len(w.phonemes)) for w in words] == [("New", 2), ("York", 4)]
