"""The interface through which core asks a voice for words, phonemes and predictions.

core never calls a model itself: engine implements `Analyzer`, and core functions that need an analysis
(building a project from a script, editing a segment's text) take one as an argument.
"""

from __future__ import annotations

from typing import Protocol

from .model import SpeakerMix, VoiceRef, Word


class Analyzer(Protocol):
    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        """Words of `text` with their phonemes and the voice's predicted duration, pitch and energy."""
        ...


class AnalysisError(Exception):
    """A voice could not analyse a text; the message is one sentence for the user."""
