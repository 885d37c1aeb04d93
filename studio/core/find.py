"""Finding and replacing text across a script's lines (no Qt: the editor's dialog and tests share it).

A match is a line and a character span in its text. Replacing never touches the analysis here: the caller
re-analyses each changed line the way a typed edit is analysed, so pronunciation and kept edits stay right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Project


@dataclass(frozen=True)
class Match:
    segment_id: str
    start: int
    end: int


def _pattern(needle: str, match_case: bool) -> re.Pattern:
    return re.compile(re.escape(needle), 0 if match_case else re.IGNORECASE)


def find_all(project: Project, needle: str, match_case: bool = False) -> list[Match]:
    """Every occurrence in script order; an empty needle finds nothing."""
    if not needle:
        return []
    pattern = _pattern(needle, match_case)
    return [Match(seg.id, m.start(), m.end()) for seg in project.segments for m in pattern.finditer(seg.text)]


def step(matches: list[Match], current: Match | None, forward: bool = True) -> Match | None:
    """The match after (or before) `current`, wrapping around the script; the first one when nothing is current."""
    if not matches:
        return None
    if current is None or current not in matches:
        return matches[0] if forward else matches[-1]
    i = matches.index(current) + (1 if forward else -1)
    return matches[i % len(matches)]


def replaced(text: str, needle: str, replacement: str, match_case: bool = False) -> str:
    """`text` with every occurrence of `needle` replaced (the replacement is literal, never a regex)."""
    return _pattern(needle, match_case).sub(lambda _m: replacement, text)


def replace_plan(project: Project, needle: str, replacement: str, match_case: bool = False,
                 only: set[str] | None = None) -> dict[str, str]:
    """New text per line that changes (segment id -> text), for all lines or just those in `only`."""
    if not needle:
        return {}
    plan = {}
    for seg in project.segments:
        if only is not None and seg.id not in only:
            continue
        new = replaced(seg.text, needle, replacement, match_case)
        if new != seg.text:
            plan[seg.id] = new
    return plan
