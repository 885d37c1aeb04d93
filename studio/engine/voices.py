"""Which backbone serves a voice reference. One place to look a voice up, shared by the CLI and the editor.

A voice is named by a string: "embedded" (or one of its speakers, like "en-us+f2"), "hibari" (the hibari-tts
voice), a Coqui zoo name like "tts_models/en/vctk/vits", or a local Coqui model folder.
"""

from __future__ import annotations

import threading
from typing import Callable

from studio.core.analysis import AnalysisError
from studio.core.model import SpeakerMix, VoiceRef, Word
from studio.core.script import TooLong, check_utterance

from . import hibari
from .backbone import Backbone
from .embedded import SPEAKERS, EmbeddedVoice

EMBEDDED = VoiceRef("embedded", "espeak-ng")
# The default narrator: the neural voice converted from its Piper package on first use (engine/coqui/store.py).
NEURAL = VoiceRef("coqui", "en_US-joe-medium")
# A second neural voice from the hibari-tts package (engine/hibari; naming it imports nothing of the package).
HIBARI, HIBARI_NAMES = hibari.VOICE, hibari.ALIASES


def parse_voice(spec: str | None) -> tuple[VoiceRef, SpeakerMix]:
    """A voice reference and a speaker mix for a --voice argument; no argument means the neural narrator."""
    if not spec:
        return NEURAL, SpeakerMix()
    if spec in ("embedded", "espeak-ng"):
        return EMBEDDED, SpeakerMix.single(SPEAKERS[0].id)
    if spec in {s.id for s in SPEAKERS}:
        return EMBEDDED, SpeakerMix.single(spec)
    if spec in HIBARI_NAMES:
        return HIBARI, SpeakerMix()
    return VoiceRef("coqui", spec), SpeakerMix()


def narrator(registry: "VoiceRegistry") -> tuple[VoiceRef, list[str]]:
    """The voice new material is spoken with, and its speakers (the k-th track of a dialogue gets the k-th): the
    neural narrator, or the embedded voice where the neural one cannot be had. Loads the voice: call it off the
    GUI thread."""
    from .coqui.loading import ModelError

    try:
        return NEURAL, [s.id for s in registry.backbone(NEURAL).capabilities().speakers]
    except (ModelError, AnalysisError, OSError):
        return EMBEDDED, [s.id for s in SPEAKERS]


class VoiceRegistry:
    """Backbones by (backbone, model), created on first use and then kept: loading a model is the slow part."""

    def __init__(self, device: str = "cpu", trusted: set[str] | None = None,
                 progress: Callable[[str], None] | None = None):
        self.device = device
        self.resolved_device = "cpu" if device == "auto" else device  # where Coqui models run, once one loads
        self.trusted = set(trusted or ())  # model specs the user explicitly trusts with arbitrary unpickling
        self.progress = progress
        self._backbones: dict[tuple[str, str], Backbone] = {}
        self._lock = threading.Lock()

    def backbone(self, voice: VoiceRef) -> Backbone:
        """Raises AnalysisError (embedded voice missing) or coqui.ModelError, each with one sentence."""
        key = (voice.backbone, voice.model)
        with self._lock:
            if key not in self._backbones:
                if voice.backbone == "embedded":
                    self._backbones[key] = EmbeddedVoice()
                elif voice.backbone == "coqui":
                    from . import coqui

                    self._backbones[key] = coqui.load(voice.model, trusted=voice.model in self.trusted,
                                                      device=self._torch_device(), progress=self.progress)
                elif voice.backbone == "hibari":
                    self._backbones[key] = hibari.load(voice.model)
                else:
                    raise AnalysisError(f"Speech Studio has no '{voice.backbone}' backbone; use the embedded voice.")
            return self._backbones[key]

    def _torch_device(self) -> str:
        """The torch device: "auto" becomes cuda where torch sees a GPU. Asked only when a Coqui model loads,
        so the embedded voice never pays for importing torch."""
        if self.device != "auto":
            self.resolved_device = self.device
            return self.device
        import torch

        self.resolved_device = "cuda" if torch.cuda.is_available() else "cpu"
        return self.resolved_device

    def loaded(self, voice: VoiceRef) -> Backbone | None:
        """The backbone if it is already created, without loading anything."""
        with self._lock:
            return self._backbones.get((voice.backbone, voice.model))

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        try:
            check_utterance(text)  # every backbone: no voice is handed a line it cannot say at once
        except TooLong as exc:
            raise AnalysisError(str(exc)) from None
        return self.backbone(voice).analyze(text, voice, mix)
