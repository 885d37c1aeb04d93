"""A line of any script, as every reader yields it: who says what, in which language, in which cue slot, how.

Readers of scripts, dialogues, subtitles and SSML all turn their file into these lines; production.importing
casts them, analyses them in one batch and builds the project, so every format is imported the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.core.model import Emotion


@dataclass(frozen=True)
class Prosody:
    """What SSML asks of one written word: a pitch offset, a speaking rate and a level change."""
    pitch_st: float = 0.0
    rate: float = 1.0
    volume_db: float = 0.0


@dataclass(frozen=True)
class Line:
    speaker: str | None  # None for plain narration (or an SSML sentence without a voice)
    text: str
    paragraph_start: bool = False  # first sentence of a paragraph (after a blank line), so a longer pause
    language: str | None = None  # what the file says (xml:lang); None leaves it to the text and the import
    start: float | None = None  # a subtitle cue's slot on the timeline, seconds
    end: float | None = None
    emotion: Emotion = field(default_factory=Emotion)
    gap_before: float | None = None  # an SSML break before the first word
    words: tuple[Prosody, ...] = ()  # SSML prosody, one per written word (empty: none asked)
    breaks_after: tuple[tuple[int, float], ...] = ()  # (word index, seconds of pause after it)

    @property
    def slot(self) -> float | None:
        return None if self.start is None or self.end is None else self.end - self.start
