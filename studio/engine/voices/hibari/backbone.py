"""The hibari voice as a backbone: durations and pitch edits go into the model, energy is left to the DSP layer.

Durations: the user's duration scales spread over each phoneme's tokens (coqui.forward.distribute) replace the
predicted durations before the length regulator, so ProsodyNet predicts F0 and energy for the new timing.
Pitch: each phoneme's semitone offset multiplies the F0 that ProsodyNet predicted for its frames, and the edited
F0 goes both into the decoder and into the pulse train of hibari's vocoder, as the model's own F0 would.
Energy: the decoder's energy input is in the model's own units with no known mapping to dB, so dB edits are
the DSP layer's per-phoneme gain.
Timing is the model's own: each token's frames are known exactly (600 samples per duration unit), so phoneme
boundaries need no forced alignment.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from studio.core.model import Phoneme, SpeakerMix, VoiceRef, Word

from studio.engine.edits.splice import keep_outside
from studio.engine.voices.backbone import Backbone, Capabilities, RenderRequest, RenderResult, Speaker
from studio.engine.voices.timing import distribute, frame_boundaries
from studio.engine.voices.guests import Guests
from studio.engine.voices.hibari.frontend import Tokens, tokenize
from studio.engine.voices.hibari.graph import SAMPLES_PER_UNIT, HibariGraph

SAMPLE_RATE = 24000
LEAD_UNITS = 2  # hibari opens every utterance with ~0.35 s of silence (the start pad); 50 ms is enough
VOICED_HZ = 40.0  # hibari's vocoder treats frames below this as unvoiced
EDGE_FRAMES = 2  # a pitch step between phonemes is ramped over this many 12.5 ms frames each side
TOKEN_CACHE = 64


class HibariBackbone(Backbone):
    name = "hibari"

    def __init__(self, model: str, tts, graph: HibariGraph, version: str, license: str, label: str):
        self.model, self.tts, self.graph = model, tts, graph
        self.version = version
        self.license, self.label = license, label
        self._lock = threading.Lock()
        self._g2p_lock = threading.Lock()
        self._tokens: OrderedDict[str, Tokens] = OrderedDict()
        self.guests = Guests(self, SAMPLE_RATE)  # voices a mix can bring in (embedded, cast, library)

    def capabilities(self) -> Capabilities:
        extra = self.guests.speakers()
        return Capabilities(
            native_pitch=True, native_energy=False, native_duration=True,
            speakers=(Speaker(self.model, self.label), *extra), can_mix=False, emotion="dsp",
            sample_rate=SAMPLE_RATE, license=self.license, commercial_use=True,
            phoneme_input="ipa",  # IPA lexicon entries, converted to hibari's alphabet (frontend.from_ipa)
            notes="Durations and F0 are given to the model; energy edits are a gain. Vocoder noise is seeded per "
                  "segment. The cast's, the library's and the embedded voices can be mixed in (morphed by the DSP "
                  "layer).")

    # As for the Piper voices (coqui/vits.py): guest voices in a mix are morphed in by the DSP layer, and the
    # morph follows hibari's timing, since the segment's phonemes are hibari's.
    def own_speakers(self) -> list[str]:
        return [self.model]

    def needs_morph(self, mix) -> bool:
        return any(self.guests.is_guest(n) for n, w in mix if w > 0)

    def mix_options(self, mix) -> tuple[tuple[str, str], ...]:
        return self.guests.options(mix)

    def timing_speaker(self, mix) -> str:
        return self.model

    # --- the model -----------------------------------------------------------------------------------------

    def tokens(self, text: str) -> Tokens:
        text = " ".join(text.split())
        with self._lock:
            if text in self._tokens:
                self._tokens.move_to_end(text)
                return self._tokens[text]
        with self._g2p_lock:  # hibari's G2P is not documented as thread-safe; analysis and renders can overlap
            tokens = tokenize(self.tts, text)
        with self._lock:
            self._tokens[text] = tokens
            while len(self._tokens) > TOKEN_CACHE:
                self._tokens.popitem(last=False)
        return tokens

    def predicted(self, tokens: Tokens) -> np.ndarray:
        units = self.graph.durations(tokens.ids)
        units[0] = min(units[0], LEAD_UNITS)
        return units

    def _synth(self, tokens: Tokens, scales=None, semitones=None, seed: int = 0):
        """(audio, duration units per token, F0 per frame) with the given per-phoneme edits."""
        groups = tokens.groups()
        units = self.predicted(tokens)
        if scales is not None and any(s != 1.0 for s in scales):
            units = distribute(units, groups, list(scales)).astype(np.int64)
        f0, energy = self.graph.prosody(tokens.ids, units)
        if semitones is not None and any(s != 0.0 for s in semitones):
            f0 = f0 * _pitch_factor(units, groups, semitones, len(f0))
        audio = self.graph.audio(tokens.ids, units, f0, energy, abs(int(seed)))
        return audio, units, f0

    # --- the backbone contract -----------------------------------------------------------------------------

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        tokens = self.tokens(text)
        audio, units, f0 = self._synth(tokens)
        groups = tokens.groups()
        bounds = frame_boundaries(units, groups, SAMPLES_PER_UNIT)
        words, i = [], 0
        for wg in tokens.words:
            phonemes = []
            for g in wg.phonemes:
                a, b = bounds[i], bounds[i + 1]
                frames = f0[2 * a // SAMPLES_PER_UNIT:2 * b // SAMPLES_PER_UNIT]
                voiced = frames[frames > VOICED_HZ]
                pitch = float(np.median(voiced)) if len(voiced) >= 2 else 0.0
                seg = audio[a:b].astype(np.float64)
                rms = float(np.sqrt(np.mean(seg ** 2))) if len(seg) else 0.0
                phonemes.append(Phoneme(g.symbol, (b - a) / SAMPLE_RATE, round(pitch, 2),
                                        round(float(20 * np.log10(max(rms, 1e-6))), 2)))
                i += 1
            words.append(Word(wg.text, phonemes))
        return words

    def render(self, request: RenderRequest) -> RenderResult:
        tokens = self.tokens(request.text)
        specs = request.phonemes()
        groups = tokens.groups()
        if len(specs) != len(groups):
            raise ValueError("This segment's phonemes no longer match the hibari voice; re-analyse the segment.")
        scales, semitones = [p.duration_scale for p in specs], [p.pitch_st for p in specs]
        audio, units, _ = self._synth(tokens, scales, semitones, request.seed)
        bounds = frame_boundaries(units, groups, SAMPLES_PER_UNIT)
        touched = [sc != 1.0 or st != 0.0 for sc, st in zip(scales, semitones)]
        if any(touched):
            # The model re-makes the whole line for an edit; outside the edited phonemes the unedited render's
            # samples are kept (edits/splice.py), so an edit changes its word and nothing else.
            plain, plain_units, _ = self._synth(tokens, seed=request.seed)
            audio = keep_outside(plain, frame_boundaries(plain_units, groups, SAMPLES_PER_UNIT), audio, bounds,
                                 touched, SAMPLE_RATE)
        return RenderResult(audio=audio, sample_rate=SAMPLE_RATE, boundaries=bounds)

    def render_speaker(self, text: str, speaker: str):
        """One speaker's plain render with its phoneme boundaries and word starts, in the form the DSP layer's
        morph takes (engine.render._morph_speakers); an embedded voice is resampled to hibari's rate."""
        from studio.engine.voices.timing import SpeakerRender

        if self.guests.is_guest(speaker):
            return self.guests.render(text, speaker)
        tokens = self.tokens(text)
        audio, units, _ = self._synth(tokens)
        starts, i = [], 0
        for w in tokens.words:
            if w.text:
                starts.append(i)
            i += len(w.phonemes)
        return SpeakerRender(audio, SAMPLE_RATE, frame_boundaries(units, tokens.groups(), SAMPLES_PER_UNIT),
                             tuple(starts))


def _pitch_factor(units: np.ndarray, groups: list[tuple[int, ...]], semitones, n_frames: int) -> np.ndarray:
    """A multiplier per F0 frame: 2^(st/12) over each phoneme's frames, the steps between phonemes ramped (in
    semitones) over a few frames so the decoder and the pulse train see no jump."""
    st = np.zeros(n_frames, dtype=np.float64)
    token_start = np.concatenate([[0], np.cumsum(units)]) * 2
    for toks, s in zip(groups, semitones):
        a, b = int(token_start[min(toks)]), int(token_start[max(toks) + 1])
        st[a:b] = s
    if EDGE_FRAMES:
        k = 2 * EDGE_FRAMES + 1
        padded = np.pad(st, EDGE_FRAMES, mode="edge")
        st = np.convolve(padded, np.ones(k) / k, mode="valid")
    return (2.0 ** (st / 12.0)).astype(np.float32)
