"""Find and replace across lines: plain text as before, and regular expressions with groups; a bad pattern or
one that matches empty text is refused in one sentence."""

import pytest

from studio.core.find import FindError, Match, check, find_all, replace_plan, replaced, replaced_one
from studio.core.script import parse_script
from studio.production.importing import build_project

from tests.helpers import FakeAnalyzer


@pytest.fixture
def project():
    return build_project(parse_script("A: Call me at 555-1234 today.\nB: Smith, John said no.\nA: The a*b case."),
                         FakeAnalyzer(), speakers=["s1", "s2"])


def spans(project, matches):
    return [(project.segment(m.segment_id).text[m.start:m.end]) for m in matches]


def test_plain_text_stays_literal(project):
    assert spans(project, find_all(project, "a*b")) == ["a*b"]  # not a pattern unless asked
    assert replaced("a.b a.b", "a.b", r"\1") == r"\1 \1"  # nor is the replacement a template
    assert find_all(project, "", regex=True) == []


def test_regex_find_and_case(project):
    assert spans(project, find_all(project, r"\d{3}-\d{4}", regex=True)) == ["555-1234"]
    assert spans(project, find_all(project, r"\bthe\b", regex=True)) == ["The"]
    assert find_all(project, r"\bthe\b", match_case=True, regex=True) == []


def test_regex_replace_with_numbered_and_named_groups(project):
    plan = replace_plan(project, r"(\w+), (?P<first>\w+)", r"\g<first> \1", regex=True)
    assert list(plan.values()) == ["John Smith said no."]
    assert replaced("555-1234", r"(\d+)-(\d+)", r"\2-\1", regex=True) == "1234-555"


def test_replace_one_fills_in_the_groups_of_that_match_only():
    text = "cat hat bat"
    assert replaced_one(text, Match("s", 4, 7), r"(\w)at", r"\1og", regex=True) == "cat hog bat"
    assert replaced_one(text, Match("s", 4, 7), "hat", r"\1") == r"cat \1 bat"


@pytest.mark.parametrize("needle, sentence", [
    ("(ab", "That is not a valid regular expression: missing ), unterminated subpattern at position 0."),
    ("x{2,1}", "That is not a valid regular expression: min repeat greater than max repeat at position 2."),
])
def test_a_bad_pattern_is_one_sentence(project, needle, sentence):
    for call in (lambda: find_all(project, needle, regex=True), lambda: replace_plan(project, needle, "", regex=True),
                 lambda: check(needle, regex=True)):
        with pytest.raises(FindError) as caught:
            call()
        assert str(caught.value) == sentence


@pytest.mark.parametrize("replacement, sentence", [
    (r"\3", "That replacement is not valid: invalid group reference 3 at position 1."),
    (r"\g<nope>", "That replacement is not valid: unknown group name 'nope'."),
])
def test_a_bad_replacement_is_one_sentence_and_changes_nothing(project, replacement, sentence):
    before = [s.text for s in project.segments]
    with pytest.raises(FindError, match=r"^That replacement is not valid: ") as caught:
        replace_plan(project, r"(\d+)", replacement, regex=True)
    assert str(caught.value) == sentence
    assert [s.text for s in project.segments] == before


@pytest.mark.parametrize("needle", ["a*", "x?", "^", "$", "(a|)", r"\b", "(?=a)", r"\s*"])
def test_a_pattern_that_matches_empty_text_is_refused_not_looped(project, needle):
    with pytest.raises(FindError, match=r"^That regular expression can match empty text, .*\.$"):
        find_all(project, needle, regex=True)
    with pytest.raises(FindError, match=r"can match empty text"):
        replace_plan(project, needle, "-", regex=True)
    with pytest.raises(FindError, match=r"can match empty text"):
        replaced("abc", needle, "-", regex=True)
