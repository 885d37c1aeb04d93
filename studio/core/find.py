"""Finding and replacing text across a script's lines (no Qt: the editor's dialog and tests share it).

A match is a line and a character span in its text. Replacing never touches the analysis here: the caller
re-analyses each changed line the way a typed edit is analysed, so pronunciation and kept edits stay right.

With `regex`, the needle is a Python regular expression and the replacement may name its groups (\\1, \\g<name>).
A bad pattern or replacement raises FindError with one sentence for the user, never re.error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core.errors import UserError
from studio.core.model import Project

EMPTY_MATCH = ("That regular expression can match empty text, which would find or replace between every "
               "character: make it match at least one character (for example + instead of *).")


class FindError(UserError, ValueError):
    """What is wrong with the search, in one sentence the dialog can show as it is."""


@dataclass(frozen=True)
class Match:
    segment_id: str
    start: int
    end: int


def _pattern(needle: str, match_case: bool, regex: bool = False) -> re.Pattern:
    flags = 0 if match_case else re.IGNORECASE
    if not regex:
        return re.compile(re.escape(needle), flags)
    try:
        pattern = re.compile(needle, flags)
    except re.error as exc:
        raise FindError(f"That is not a valid regular expression: {exc}.") from None
    if pattern.search("") is not None:  # a*, x?, ^, (a|): empty at the start of any line
        raise FindError(EMPTY_MATCH)
    return pattern


def _matches(pattern: re.Pattern, text: str):
    """The pattern's matches in `text`; one that is empty (\\b, a lookahead) refuses the whole search."""
    for m in pattern.finditer(text):
        if m.start() == m.end():
            raise FindError(EMPTY_MATCH)
        yield m


def _template(pattern: re.Pattern, replacement: str, regex: bool):
    """What `pattern.sub` takes: the literal text, or the regex template, checked before any line changes."""
    if not regex:
        return lambda _m: replacement
    try:
        pattern.sub(replacement, "")  # compiles the template even without a match
    except (re.error, IndexError) as exc:
        raise FindError(f"That replacement is not valid: {exc}.") from None
    return replacement


def check(needle: str, replacement: str = "", match_case: bool = False, regex: bool = False) -> None:
    """Raise FindError if the needle (or, with regex, the replacement) cannot be used."""
    _template(_pattern(needle, match_case, regex), replacement, regex)


def find_all(project: Project, needle: str, match_case: bool = False, regex: bool = False) -> list[Match]:
    """Every occurrence in script order; an empty needle finds nothing."""
    if not needle:
        return []
    pattern = _pattern(needle, match_case, regex)
    return [Match(seg.id, m.start(), m.end()) for seg in project.segments for m in _matches(pattern, seg.text)]


def step(matches: list[Match], current: Match | None, forward: bool = True) -> Match | None:
    """The match after (or before) `current`, wrapping around the script; the first one when nothing is current."""
    if not matches:
        return None
    if current is None or current not in matches:
        return matches[0] if forward else matches[-1]
    i = matches.index(current) + (1 if forward else -1)
    return matches[i % len(matches)]


def replaced(text: str, needle: str, replacement: str, match_case: bool = False, regex: bool = False) -> str:
    """`text` with every occurrence of `needle` replaced; the replacement is literal unless `regex`."""
    pattern = _pattern(needle, match_case, regex)
    template = _template(pattern, replacement, regex)
    for _m in _matches(pattern, text):  # refuse an empty match before replacing anything
        pass
    return pattern.sub(template, text)


def replaced_one(text: str, match: Match, needle: str, replacement: str, match_case: bool = False,
                 regex: bool = False) -> str:
    """`text` with only the occurrence at `match` replaced (its groups filled in, with regex)."""
    pattern = _pattern(needle, match_case, regex)
    template = _template(pattern, replacement, regex)
    for m in _matches(pattern, text):
        if (m.start(), m.end()) == (match.start, match.end):
            new = m.expand(template) if regex else replacement
            return text[:m.start()] + new + text[m.end():]
    return text


def replace_plan(project: Project, needle: str, replacement: str, match_case: bool = False,
                 only: set[str] | None = None, regex: bool = False) -> dict[str, str]:
    """New text per line that changes (segment id -> text), for all lines or just those in `only`."""
    if not needle:
        return {}
    plan = {}
    for seg in project.segments:
        if only is not None and seg.id not in only:
            continue
        new = replaced(seg.text, needle, replacement, match_case, regex)
        if new != seg.text:
            plan[seg.id] = new
    return plan
