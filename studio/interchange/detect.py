"""What kind of file a text is, by its content first: a `.xml` holding SSML, a `.txt` holding subtitles."""

from __future__ import annotations

import re
from pathlib import Path

from studio.interchange.ssml import looks_like_ssml

_SRT_START = re.compile(r"^\s*\d+\s*\r?\n\s*(\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}\s*-->", re.S)
KINDS = ("ssml", "vtt", "srt", "text")


def sniff(path: str | Path, text: str) -> str:
    """'ssml', 'vtt', 'srt' or 'text'. Content decides; the suffix decides only when the content is not
    recognisable (so a broken .srt is reported as a broken subtitle file, not spoken as text)."""
    head = text.lstrip("\ufeff")
    if looks_like_ssml(head):
        return "ssml"
    if head.startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    suffix = Path(path).suffix.lower()
    return {".ssml": "ssml", ".xml": "ssml", ".vtt": "vtt", ".srt": "srt"}.get(suffix, "text")
