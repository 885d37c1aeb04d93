"""Speaker labels that look like names (issue 14.5) and symbols read as a person reads them (issue 14.4)."""

import pytest

from studio.core.labels import looks_like_name, split_label
from studio.core.language import language_from_filename, primary, script_language
from studio.core.script import parse_script, split_sentences
from studio.core.spoken import read_symbols


@pytest.mark.parametrize("line, marker, name, rest", [
    ("TOM: Where are you?", None, "TOM", "Where are you?"),
    (">> NARRATOR: It was night.", ">>", "NARRATOR", "It was night."),
    ("- TOM: Over here.", "-", "TOM", "Over here."),
    ("(ANA) I know.", None, "ANA", "I know."),
    ("[BOB] Who's there?", None, "BOB", "Who's there?"),
    ("– Yes.", "-", None, "Yes."),
    ("-5 degrees outside.", None, None, "-5 degrees outside."),
])
def test_label_forms(line, marker, name, rest):
    m = split_label(line)
    assert (m.marker, m.name, m.rest) == (marker, name, rest)


def test_a_label_is_accepted_only_when_it_looks_like_a_name():
    assert looks_like_name("TOM") and looks_like_name("DR. SMITH") and looks_like_name("MAN #2")
    assert not looks_like_name("Just remember")  # a lowercase word: a phrase, not a name
    assert not looks_like_name("Note")  # Title Case once is not enough ...
    assert looks_like_name("Note", uses=2)  # ... but seen on two lines it is
    assert not looks_like_name("MUSIC PLAYING", bracket=True) and not looks_like_name("sighs", bracket=True)
    assert not looks_like_name("DOOR SLAMS", bracket=True) and looks_like_name("BOB", bracket=True)
    assert not looks_like_name("The Very Long Name Of Someone")


def test_just_remember_is_not_a_speaker_in_a_script():
    lines = parse_script("Just remember: the key is under the mat.\nThen we left.")
    assert all(line.speaker is None for line in lines)
    lines = parse_script("TOM: Hi.\n(ANA) Hello.\n[BOB] Hey.\nJust remember: stay close.")
    assert [line.speaker for line in lines] == ["TOM", "ANA", "BOB", "BOB"]  # the last line continues BOB


@pytest.mark.parametrize("language, text, said", [
    ("en", "It costs $20.50 today.", "It costs 20 dollars and 50 cents today."),
    ("en", "Up 50% on #1 & more.", "Up 50 percent on number 1 and more."),
    ("en", "Follow #dubbing for R&D news.", "Follow hashtag dubbing for R and D news."),
    ("en", "$1,000 or $5 million", "1,000 dollars or 5 million dollars"),
    ("es", "Cuesta 20 € y un 10 % más & nada.", "Cuesta 20 euros y un 10 por ciento más y nada."),
    ("de", "Das kostet 5 $ & 3 %.", "Das kostet 5 Dollar und 3 Prozent."),
])
def test_symbols_are_read_in_context(language, text, said):
    assert read_symbols(text, language) == said


def test_languages_from_tags_scripts_and_file_names():
    assert primary("en-US") == "en" and primary("zh-Hans") == "zh" and primary("cmn") == "zh"
    assert primary("not a tag") == "en"
    assert script_language("从前有座山。") == "zh" and script_language("こんにちは、世界") == "ja"
    assert script_language("Привет, мир") == "ru" and script_language("Hello there") is None
    assert language_from_filename("film.es.srt") == "es" and language_from_filename("ep1.de-DE.vtt") == "de"
    assert language_from_filename("film.srt") is None


def test_sentence_splitting_follows_the_language():
    # German abbreviations and ordinals ("z.B.", "3. Oktober") do not end a sentence in German.
    text = "Wir treffen uns am 3. Oktober z.B. in Berlin. Dann fahren wir."
    assert split_sentences(text, "de") == ["Wir treffen uns am 3. Oktober z.B. in Berlin.", "Dann fahren wir."]
    assert split_sentences(text, "en")[0] == "Wir treffen uns am 3."  # English rules split it wrongly
    assert split_sentences("¿Dónde está? Aquí, Sra. García.", "es") == ["¿Dónde está?", "Aquí, Sra. García."]
    assert split_sentences("Ver pág. 5 del cap. 3. Luego.", "es") == ["Ver pág. 5 del cap. 3.", "Luego."]
