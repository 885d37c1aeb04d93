"""The interface through which core asks a voice for words, phonemes and predictions.

core never calls a model itself: engine implements `Analyzer`, and core functions that need an analysis
(building a project from a script, editing a segment's text) take one as an argument. An import tells the
analyzer its lines first (`prepare`), so that a voice on a GPU can analyse them in batches.
"""

from __future__ import annotations

from typing import Protocol

from studio.core.errors import UserError
from studio.core.model import SpeakerMix, VoiceRef, Word


class Analyzer(Protocol):
    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        """Words of `text` with their phonemes and the voice's predicted duration, pitch and energy."""
        ...


def prepare(analyzer, items: list[tuple[str, VoiceRef, SpeakerMix]]) -> None:
    """Tell the analyzer which lines an import is about to ask for, in order, so that one that can analyse many
    at once (a neural voice on a GPU) does so; the answers to `analyze` stay the same. Optional: an analyzer
    without `prepare` is asked line by line as before."""
    hook = getattr(analyzer, "prepare", None)
    if hook is not None and items:
        hook(list(items))


class AnalysisError(UserError):
    """A voice could not analyse a text; the message is one sentence for the user."""


def analyze_all(analyzer, items: list[tuple[str, VoiceRef, SpeakerMix]]) -> list[list[Word]]:
    """The words of each line, in order: the lines are told to the analyzer first (`prepare`), so a voice on a
    GPU analyses them in batches. Every import, re-voicing and lexicon change goes through here."""
    prepare(analyzer, items)
    return [analyzer.analyze(text, voice, mix) for text, voice, mix in items]
