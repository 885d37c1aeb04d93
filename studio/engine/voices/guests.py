"""Guest voices: the voices a backbone's mixes can name besides its own speakers.

A mix on a neural voice's track can bring in the embedded espeak-ng speakers and, once the voice registry has
wired `source` and `names` (VoiceRegistry.backbone does), the voices of the cast and of the user's library
(Hibari, Mara, ...). A guest is never mixed natively: its plain render is morphed in by the DSP layer
(engine.render._morph_speakers), resampled to the host's rate, on the host's timing. The same rules serve the
Piper voices (coqui/vits.py) and hibari (hibari/backbone.py).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from studio.engine.voices.backbone import Speaker
from studio.engine.voices.embedded.voice import SPEAKERS as EMBEDDED_SPEAKERS

EMBEDDED_IDS = {s.id for s in EMBEDDED_SPEAKERS}

# A speaker name -> (a backbone with render_speaker, its speaker id), or None: VoiceRegistry.speaker_source.
Source = Callable[[str], "tuple[object, str] | None"]


class Guests:
    def __init__(self, host, rate: int):
        self.host, self.rate = host, rate
        self.source: Source = lambda name: None
        self.names: Callable[[], list[str]] = lambda: []
        self._embedded = None

    def _own(self) -> set[str]:
        return set(self.host.own_speakers())

    def is_guest(self, name: str) -> bool:
        return name in EMBEDDED_IDS or (name not in self._own() and name in self.names())

    def speakers(self) -> list[Speaker]:
        """The guests a mixer offers: the cast and library voices (except this voice itself), then the embedded
        speakers."""
        own = self._own()
        named = [Speaker(n, f"{n} (cast or library)") for n in self.names() if n not in own and not self._is_host(n)]
        return named + [Speaker(s.id, f"{s.label} (embedded)") for s in EMBEDDED_SPEAKERS]

    def _is_host(self, name: str) -> bool:
        """A cast name for this very voice ("Joe" on a Joe track) is not a guest: it is the host."""
        from studio.engine.voices.cast import find

        voice = find(name)
        return voice is not None and voice.voice is not None and voice.voice.model in self._own() | {
            getattr(self.host, "spec", None), getattr(self.host, "model_name", None)}

    def render(self, text: str, speaker: str):
        """A guest's plain render (SpeakerRender) at the host's rate."""
        from studio.engine.voices.embedded.voice import EmbeddedVoice
        from studio.engine.voices.timing import SpeakerRender

        if speaker in EMBEDDED_IDS:
            if self._embedded is None:
                self._embedded = EmbeddedVoice()
            r = self._embedded.render_speaker(text, speaker)
        else:
            found = self.source(speaker)
            if found is None or not hasattr(found[0], "render_speaker"):
                raise ValueError(f"{speaker} cannot be mixed into this voice; choose a voice of the cast, of your "
                                 "library or an embedded voice.")
            r = found[0].render_speaker(text, found[1])
        if r.sample_rate == self.rate:
            return r
        import soxr

        k = self.rate / r.sample_rate
        return SpeakerRender(soxr.resample(r.audio, r.sample_rate, self.rate).astype(np.float32), self.rate,
                             tuple(int(round(b * k)) for b in r.boundaries), r.word_starts)

    def options(self, mix) -> tuple[tuple[str, str], ...]:
        """The versions of the cast or library voices in a mix, for the request's cache key (see
        Backbone.mix_options): a design replaced under its name then renders again."""
        versions = []
        for name, w in sorted(mix):
            if w > 0 and name not in EMBEDDED_IDS and self.is_guest(name):
                found = self.source(name)
                if found is not None:
                    versions.append(f"{name}={getattr(found[0], 'version', '')}")
        return (("mix_voices", ";".join(versions)),) if versions else ()
