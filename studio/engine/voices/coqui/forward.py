"""Coqui ForwardTTS (FastPitch, FastSpeech2) run step by step, so the user's edits replace the predictions.

Coqui's `ForwardTTS.inference()` takes no overrides. This module calls the same submodules in the same order
(encoder, duration predictor, pitch predictor and embedding, energy predictor and embedding, decoder) and puts
the edited durations, pitch and energy in place of the predicted ones. With no edits, the result is exactly
Coqui's: a test compares it with `Synthesizer.tts()`.

Pitch and energy are normalized in these models ((x - mean) / std over the training set). Edits in semitones and
dB need those statistics; they are read from the model card's `prosody_stats` when the model provides them, and
otherwise assumed (see DEFAULT_STATS), which the capabilities' notes say.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from studio.core.model import SpeakerMix, VoiceRef, Word, Phoneme

from studio.engine.voices.timing import distribute, frame_boundaries
from studio.engine.voices.backbone import Backbone, Capabilities, RenderRequest, RenderResult, Speaker
from studio.engine.voices.coqui.forward_fronts import Front
from studio.engine.voices.coqui.frontend import Vocoder, mixed_conditioning, speaker_names, tokenize
from studio.engine.voices.coqui.incremental import Previous, changed_tokens, receptive_field_frames, splice
from studio.engine.voices.coqui import store
from studio.engine.voices.coqui.loading import ModelFolder

# Typical of single-speaker English corpora (LJSpeech-like); used only when a model does not state its own.
DEFAULT_STATS = {"pitch_mean_hz": 200.0, "pitch_std_hz": 50.0, "energy_mean": 20.0, "energy_std": 10.0}


@dataclass
class DecoderInputs:
    """One request's edited durations, pitch and energy folded into the encoder output: what the decoder takes."""

    groups: list
    frames: np.ndarray
    o_en: object
    x_mask: object
    pitch: object
    energy: object


class ForwardBackbone(Backbone):
    name = "coqui"

    def __init__(self, spec: str, folder: ModelFolder, model, config, vocoder: Vocoder, device: str = "cpu"):
        self.spec, self.folder, self.model, self.config, self.vocoder = spec, folder, model, config, vocoder
        self.device = device
        self.version = f"{folder.card.name}:{folder.checkpoint.stat().st_mtime_ns}"
        self.stats = {**DEFAULT_STATS, **folder.card.stats}
        self.stats_assumed = not set(DEFAULT_STATS) <= set(folder.card.stats)
        self._lock = threading.RLock()
        self._fronts: OrderedDict[tuple, Front] = OrderedDict()
        self.last_decoder_inputs: dict | None = None  # what the decoder last received; tests read it
        self._previous: OrderedDict[tuple, Previous] = OrderedDict()  # last render per text + mix, for windows
        self._renders: OrderedDict[str, RenderResult] = OrderedDict()  # batched renders waiting for `render`
        generator_params = getattr(vocoder.config, "generator_model_params", None) if vocoder.config else None
        self.receptive_field = receptive_field_frames(vocoder.config) if generator_params else None

    # ---- contract ---------------------------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        notes = []
        if self.vocoder.griffin_lim:
            notes.append("No vocoder found: Griffin-Lim is used, which sounds metallic.")
        if self.stats_assumed:
            notes.append("Pitch and energy statistics are assumed; semitone and dB edits are approximate.")
        card = self.folder.card
        return Capabilities(
            native_pitch=bool(self.model.args.use_pitch), native_energy=bool(self.model.args.use_energy),
            native_duration=True, speakers=tuple(Speaker(n, n) for n in speaker_names(self.model)),
            can_mix=bool(speaker_names(self.model)), emotion="dsp", sample_rate=self.vocoder.sample_rate,
            license=card.license, commercial_use=card.commercial_use, notes=" ".join(notes),
            phoneme_input=store.phoneme_input(self.spec), windowed_render=bool(self.receptive_field))

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        front = self.front(" ".join(text.split()), mix.weights)
        sec_per_frame = self.vocoder.samples_per_frame / self.vocoder.sample_rate
        pitch = front.pitch[0, 0].cpu().numpy() if front.pitch is not None else None
        energy = self._predict_energy(front, front.pitch)
        words = []
        for wg in front.tokens.words:
            phonemes = []
            for g in wg.phonemes:
                idx = list(g.tokens)
                hz = float(np.mean(pitch[idx]) * self.stats["pitch_std_hz"] + self.stats["pitch_mean_hz"]) \
                    if pitch is not None else 0.0
                db = 0.0
                if energy is not None:
                    lin = float(np.mean(energy[idx]) * self.stats["energy_std"] + self.stats["energy_mean"])
                    db = 20 * np.log10(max(lin, 1e-6))
                phonemes.append(Phoneme(g.symbol, float(front.frames[idx].sum() * sec_per_frame),
                                        round(max(hz, 0.0), 2), round(float(db), 2)))
            words.append(Word(wg.text, phonemes))
        return words

    def analyze_batch(self, texts: list[str], voice: VoiceRef, mix: SpeakerMix) -> list[list[Word]]:
        """`analyze` of many lines, their encoder and predictors run in padded batches (forward_fronts.py)."""
        from studio.engine.voices.coqui.forward_fronts import fill_fronts

        fill_fronts(self, [" ".join(t.split()) for t in texts], mix.weights)
        return [self.analyze(t, voice, mix) for t in texts]

    def render(self, request: RenderRequest) -> RenderResult:
        import torch

        with self._lock:
            hit = self._renders.pop(request.key(), None)  # left by render_batch
            if hit is not None:
                return hit
        with self._lock, torch.inference_mode():
            inputs = self.decoder_inputs(request)
            m = self.model
            dr = torch.as_tensor(inputs.frames, dtype=torch.float32, device=inputs.o_en.device).unsqueeze(0)
            o_de, _ = m._forward_decoder(inputs.o_en, dr, inputs.x_mask, dr.sum(1), g=None)
            self.last_decoder_inputs = self._snapshot(inputs)
            audio = self._vocode(request, inputs.frames, o_de[0])
        return self._result(inputs, audio)

    def render_batch(self, requests: list[RenderRequest]) -> list[RenderResult]:
        """Exact renders in padded batches (forward_batch.py); `render` then finds each one."""
        from studio.engine.voices.coqui.forward_batch import render_batch

        # A windowed edit that follows a render of its text re-vocodes only its window (_vocode): cheaper alone.
        alone = [i for i, r in enumerate(requests) if dict(r.options).get("windowed") == "1"
                 and (r.text, r.mix) in self._previous]
        batched = render_batch(self, [r for i, r in enumerate(requests) if i not in alone])
        results = []
        for i, r in enumerate(requests):
            results.append(self.render(r) if i in alone else batched.pop(0))
        with self._lock:
            for i, (r, result) in enumerate(zip(requests, results)):
                if i in alone:
                    continue
                self._renders[r.key()] = result
                while len(self._renders) > 128:
                    self._renders.popitem(last=False)
        return results

    def decoder_inputs(self, request: RenderRequest) -> DecoderInputs:
        """The request's edits applied to the cached front: durations, then pitch and energy embeddings. Called
        with the lock held and inference mode on."""
        front = self.front(request.text, request.mix)
        groups = [g.tokens for w in front.tokens.words for g in w.phonemes]
        specs = request.phonemes()
        if len(specs) != len(groups):
            raise ValueError("This segment's phonemes no longer match the model; re-analyse the segment.")
        m = self.model
        frames = distribute(front.frames, groups, [p.duration_scale for p in specs])
        o_en = front.o_en
        pitch = front.pitch
        if pitch is not None:
            pitch = self._shift_pitch(pitch, groups, [p.pitch_st for p in specs])
            o_en = o_en + m.pitch_emb(pitch)
        energy = None
        if m.args.use_energy:
            energy = m.energy_predictor(o_en, front.x_mask)
            energy = self._gain_energy(energy, groups, [p.energy_db for p in specs])
            o_en = o_en + m.energy_emb(energy)
        return DecoderInputs(groups, frames, o_en, front.x_mask, pitch, energy)

    def finish(self, request: RenderRequest, inputs: DecoderInputs, audio: np.ndarray) -> RenderResult:
        """A batch's audio for one request, remembered for a later windowed edit as a single render would be."""
        key = (request.text, request.mix)
        with self._lock:
            self._remember_previous(key, self._snapshot(inputs), audio)
        return self._result(inputs, audio)

    @staticmethod
    def _snapshot(inputs: DecoderInputs) -> dict:
        return {"durations": inputs.frames.copy(),
                "pitch": None if inputs.pitch is None else inputs.pitch[0, 0].cpu().numpy().copy(),
                "energy": None if inputs.energy is None else inputs.energy[0, 0].cpu().numpy().copy()}

    def _result(self, inputs: DecoderInputs, audio: np.ndarray) -> RenderResult:
        boundaries = frame_boundaries(inputs.frames, inputs.groups, self.vocoder.samples_per_frame,
                                      self.vocoder.offset_samples)
        notes = ("Griffin-Lim vocoder used: no vocoder model was found.",) if self.vocoder.griffin_lim else ()
        return RenderResult(audio=audio, sample_rate=self.vocoder.sample_rate, boundaries=boundaries, notes=notes)

    # ---- internals --------------------------------------------------------------------------------------------
    def _vocode(self, request: RenderRequest, frames: np.ndarray, mel) -> np.ndarray:
        """The vocoder on the whole mel, or, for a windowed request following a render of the same text and mix,
        only on the edited window (see incremental.py)."""
        inputs = self.last_decoder_inputs
        key = (request.text, request.mix)
        prev = self._previous.get(key)
        windowed = dict(request.options).get("windowed") == "1" and self.receptive_field is not None
        audio = None
        if windowed and prev is not None:
            tokens = changed_tokens(prev, frames, inputs["pitch"], inputs["energy"])
            if len(tokens) == 0:
                audio = prev.audio
            elif len(tokens) < len(frames):
                pad = self.vocoder.offset_samples // int(self.vocoder.config.audio["hop_length"])
                audio = splice(prev, frames, mel, tokens, self.vocoder, int(self.vocoder.samples_per_frame), pad,
                               self.receptive_field)
        if audio is None:
            audio = self.vocoder(mel)
        self._remember_previous(key, inputs, audio)
        return audio

    def _remember_previous(self, key: tuple, inputs: dict, audio: np.ndarray) -> None:
        """The last render of a text and mix (a `_snapshot` of its decoder inputs), which a windowed edit of it
        re-vocodes around; the 32 most recent are kept."""
        self._previous[key] = Previous(inputs["durations"].copy(), inputs["pitch"], inputs["energy"], audio)
        self._previous.move_to_end(key)
        while len(self._previous) > 32:
            self._previous.popitem(last=False)

    def front(self, text: str, mix: tuple[tuple[str, float], ...]) -> Front:
        import torch
        from TTS.tts.utils.helpers import sequence_mask

        key = (text, mix)
        with self._lock:
            hit = self._fronts.get(key)
            if hit is not None:
                self._fronts.move_to_end(key)
                return hit
            m = self.model
            tokens = tokenize(m, text)
            with torch.inference_mode():
                x = torch.as_tensor(tokens.ids, dtype=torch.long, device=m.device).unsqueeze(0)
                g = mixed_conditioning(m, mix, normalize_d_vector=False)
                x_lengths = torch.tensor(x.shape[1:2]).to(x.device)
                x_mask = torch.unsqueeze(sequence_mask(x_lengths, x.shape[1]), 1).to(x.dtype).float()
                o_en, x_mask, g, _ = m._forward_encoder(x, x_mask, g)
                o_dr_log = m.duration_predictor(o_en.squeeze(), x_mask)
                frames = m.format_durations(o_dr_log, x_mask).squeeze(1)[0].cpu().numpy()
                pitch = m.pitch_predictor(o_en, x_mask) if m.args.use_pitch else None
            front = Front(tokens, x_mask, o_en, g, frames, pitch)
            self.keep_front(text, mix, front)
            return front

    def has_front(self, text: str, mix: tuple[tuple[str, float], ...]) -> bool:
        return (text, mix) in self._fronts

    def keep_front(self, text: str, mix: tuple[tuple[str, float], ...], front: Front) -> None:
        """Cache a front (computed alone, or in a batch by forward_fronts.py); the 256 most recent are kept."""
        with self._lock:
            self._fronts[(text, mix)] = front
            self._fronts.move_to_end((text, mix))
            while len(self._fronts) > 256:
                self._fronts.popitem(last=False)

    def _predict_energy(self, front: Front, pitch) -> np.ndarray | None:
        import torch

        if not self.model.args.use_energy:
            return None
        with torch.inference_mode():
            o_en = front.o_en + (self.model.pitch_emb(pitch) if pitch is not None else 0)
            return self.model.energy_predictor(o_en, front.x_mask)[0, 0].cpu().numpy()

    def _shift_pitch(self, pitch, groups, semitones):
        return _rescale(pitch, groups, [2.0 ** (st / 12.0) for st in semitones],
                        self.stats["pitch_mean_hz"], self.stats["pitch_std_hz"])

    def _gain_energy(self, energy, groups, gains_db):
        return _rescale(energy, groups, [10.0 ** (db / 20.0) for db in gains_db],
                        self.stats["energy_mean"], self.stats["energy_std"])


def _rescale(values, groups, factors, mean: float, std: float):
    """Multiply normalized values ((x - mean) / std) of each group's tokens by a factor in the linear domain."""
    if all(f == 1.0 for f in factors):
        return values
    out = values.clone()
    for toks, factor in zip(groups, factors):
        if factor != 1.0:
            idx = list(toks)
            linear = out[0, 0, idx] * std + mean
            out[0, 0, idx] = (linear * factor - mean) / std
    return out
