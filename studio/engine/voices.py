"""Which backbone serves a voice reference. One place to look a voice up, shared by the CLI and the editor."""

from __future__ import annotations

from studio.core.analysis import AnalysisError
from studio.core.model import SpeakerMix, VoiceRef, Word

from .backbone import Backbone
from .embedded import EmbeddedVoice

EMBEDDED = VoiceRef("embedded", "espeak-ng")


class VoiceRegistry:
    """Backbones by (backbone, model), created on first use and then kept: loading a model is the slow part."""

    def __init__(self) -> None:
        self._backbones: dict[tuple[str, str], Backbone] = {}

    def backbone(self, voice: VoiceRef) -> Backbone:
        key = (voice.backbone, voice.model)
        if key not in self._backbones:
            if voice.backbone == "embedded":
                self._backbones[key] = EmbeddedVoice()
            else:
                raise AnalysisError(f"Speech Studio has no '{voice.backbone}' backbone; use the embedded voice.")
        return self._backbones[key]

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        return self.backbone(voice).analyze(text, voice, mix)
