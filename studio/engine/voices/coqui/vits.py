"""Coqui VITS and YourTTS, run step by step: durations are editable natively, speakers are mixed by weight.

The steps are those of `Vits.inference()`, in the same order and drawing noise in the same order from a generator
seeded per segment (vits_steps.py), so a render with no edits equals Coqui's own output for the same seed, and a
segment sounds the same rendered alone or in a batch (vits_batch.py). The stochastic duration predictor always runs (it
draws noise first), then the prior's noise is drawn for the *predicted* frames. Edited durations re-lay that
noise token by token (a token stretched to twice its frames repeats its own noise frames), so a duration edit
leaves every other token's noise, and therefore its sound, as it was. Pitch and energy are not native here;
the shared DSP layer applies them on the cached base render.

Sub-segment re-synthesis: the flow and the decoder are convolutional, so a duration edit changes the audio only
within their receptive field (computed from the config) around the edited frames. When the last render of the
same text and voice is known, only that window goes through the flow and the decoder, and the result is
spliced into the previous audio; outside the window the previous samples are kept exactly.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from studio.core.model import Phoneme, SpeakerMix, VoiceRef, Word

from studio.engine.voices.backbone import Backbone, Capabilities, PhonemeSpec, RenderRequest, RenderResult, Speaker
from studio.engine.voices.guests import Guests
from studio.engine.voices.timing import distribute, frame_boundaries
from studio.engine.voices.coqui.frontend import mixed_conditioning, speaker_names, tokenize
from studio.engine.voices.coqui import vits_steps as steps
from studio.engine.voices.coqui import store
from studio.engine.voices.coqui.loading import ModelFolder

CROSSFADE = 64  # samples at each seam of a windowed render; the two sides agree there to float precision
RENDER_CACHE = 128  # native renders kept, so that DSP-only edits and a batch's segments need no model run
PREVIOUS_SAMPLES = 20_000_000  # samples of recent renders kept for windowed edits and reuse (15 min, 80 MB)


@dataclass
class _Previous:
    frames: np.ndarray  # per token, after edits
    audio: np.ndarray


def flow_field(config) -> int:
    """Frames of context one side that the reverse flow needs: each coupling layer's WaveNet widens the field by
    (kernel - 1) * dilation / 2 per layer, and the flows run one after another."""
    a = config.model_args
    per_flow = sum((a.kernel_size_flow - 1) * a.dilation_rate_flow ** i for i in range(a.num_layers_flow)) / 2
    return int(math.ceil(4 * per_flow))


def decoder_field(config) -> int:
    """Frames of context one side that the HiFiGAN decoder needs (see incremental.receptive_field_frames)."""
    from types import SimpleNamespace

    from studio.engine.voices.coqui.incremental import receptive_field_frames

    a = config.model_args
    params = {"upsample_factors": a.upsample_rates_decoder, "upsample_kernel_sizes": a.upsample_kernel_sizes_decoder,
              "resblock_kernel_sizes": a.resblock_kernel_sizes_decoder,
              "resblock_dilation_sizes": a.resblock_dilation_sizes_decoder, "resblock_type": a.resblock_type_decoder}
    return receptive_field_frames(SimpleNamespace(generator_model_params=params))


class VitsBackbone(Backbone):
    name = "coqui"

    def __init__(self, spec: str, folder: ModelFolder, model, config, device: str = "cpu"):
        self.spec, self.folder, self.model, self.config, self.device = spec, folder, model, config, device
        self.version = f"{folder.card.name}:{folder.checkpoint.stat().st_mtime_ns}"
        self._lock = threading.RLock()
        self.last_durations: np.ndarray | None = None  # what the flow last received; tests read it
        self.last_window: tuple[int, int] | None = None  # samples re-synthesized by the last windowed render
        self._renders: OrderedDict[str, RenderResult] = OrderedDict()  # base renders, for DSP-only edits
        self._previous: OrderedDict[tuple, _Previous] = OrderedDict()  # last render per text, mix, seed, options
        self.windowed = True
        hop = 1
        for r in config.model_args.upsample_rates_decoder:
            hop *= int(r)
        self.hop = hop
        self.context = flow_field(config) + decoder_field(config)
        self.guests = Guests(self, self.sample_rate)  # voices a mix can bring in (embedded, cast, library)

    @property
    def sample_rate(self) -> int:
        return int(self.config.audio["sample_rate"])

    def own_speakers(self) -> list[str]:
        """The model's speakers; a one-voice model is one speaker named after the voice."""
        return speaker_names(self.model) or [self.folder.card.name]

    def capabilities(self) -> Capabilities:
        card = self.folder.card
        own = [Speaker(n, n) for n in self.own_speakers()]
        extra = self.guests.speakers()
        return Capabilities(
            native_pitch=False, native_energy=False, native_duration=True,
            speakers=tuple(own + extra), can_mix=bool(speaker_names(self.model)),
            emotion="dsp + noise scales", sample_rate=self.sample_rate, license=card.license,
            commercial_use=card.commercial_use, commercial_note=card.commercial_note,
            notes=f"Noise scales {self.model.inference_noise_scale} / {self.model.inference_noise_scale_dp}, "
                  "seeded per segment. The cast's, the library's and the embedded voices can be mixed in (morphed by "
                  "the DSP layer).",
            phoneme_input=store.phoneme_input(self.spec))  # windowed always (self.windowed), asked or not

    def own_mix(self, mix):
        """The mix's weights on this model's own speakers (guest voices in it are morphed in afterwards)."""
        return tuple((n, w) for n, w in mix if not self.guests.is_guest(n)) or mix

    def needs_morph(self, mix) -> bool:
        """Guest voices in the mix (even alone) are morphed in; the model's own speakers mix natively."""
        names = [n for n, w in mix if w > 0]
        return any(self.guests.is_guest(n) for n in names) or (len(names) > 1 and not speaker_names(self.model))

    def mix_options(self, mix) -> tuple[tuple[str, str], ...]:
        return self.guests.options(mix)

    def timing_speaker(self, mix) -> str:
        """The model's own speaker whose timing a morph follows: the segment's phonemes are this model's."""
        own = [(w, n) for n, w in mix if not self.guests.is_guest(n) and w > 0]
        return max(own)[1] if own else self.own_speakers()[0]

    # --- the model, step by step ---------------------------------------------------------------------------

    def _prior(self, text: str, mix, seed: int, scales: list[float] | None, options: dict):
        """Everything up to the flow's input: (z_p, y_mask, g, frames per token, groups, tokens)."""
        m = self.model
        tokens = tokenize(m, text)
        groups = [g.tokens for w in tokens.words for g in w.phonemes]
        noise = float(options.get("noise_scale", m.inference_noise_scale))
        noise_dp = float(options.get("noise_scale_dp", m.inference_noise_scale_dp))
        gen = steps.generator(seed)
        g = mixed_conditioning(m, mix, normalize_d_vector=True)
        m_p, logs_p, x_mask, (predicted,) = steps.encode(m, [tokens.ids], g, [gen], [noise_dp])
        total = int(max(predicted.sum(), 1))
        base_noise = steps.prior_noise(gen, total, m_p.shape[1]).to(device=m_p.device, dtype=m_p.dtype)
        z_p, y_mask, frames = self.expand(m_p, logs_p, x_mask, predicted, groups, scales, base_noise, noise)
        return z_p, y_mask, g, frames, groups, tokens

    def expand(self, m_p, logs_p, x_mask, predicted, groups, scales, base_noise, noise: float):
        """One segment's prior on its frames ([1, C, T] tensors in): (z_p, y_mask, frames per token)."""
        import torch
        from TTS.tts.utils.helpers import generate_path, sequence_mask

        frames = predicted
        w_ceil = torch.as_tensor(predicted, dtype=m_p.dtype, device=m_p.device).view(1, 1, -1)
        if scales is not None and any(s != 1.0 for s in scales):
            frames = distribute(predicted, groups, scales)
            w_ceil = torch.as_tensor(frames, dtype=m_p.dtype, device=m_p.device).view(1, 1, -1)
        y_lengths = torch.clamp_min(torch.sum(w_ceil, [1, 2]), 1).long()
        y_mask = sequence_mask(y_lengths, None).to(x_mask.dtype).unsqueeze(1)
        attn = generate_path(w_ceil.squeeze(1), (x_mask * y_mask.transpose(1, 2)).squeeze(1).transpose(1, 2))
        m_p = torch.matmul(attn.transpose(1, 2), m_p.transpose(1, 2)).transpose(1, 2)
        logs_p = torch.matmul(attn.transpose(1, 2), logs_p.transpose(1, 2)).transpose(1, 2)
        eps = base_noise if frames is predicted else base_noise[:, :, _relay(predicted, frames)]
        return m_p + eps[:, :, : m_p.shape[2]] * torch.exp(logs_p) * noise, y_mask, frames

    def _decode(self, z_p, y_mask, g):
        m = self.model
        z = m.flow(z_p, y_mask, g=g, reverse=True)
        return m.waveform_decoder(z * y_mask, g=g)[0, 0]

    def _run(self, text: str, mix, seed: int, scales: list[float] | None, options: dict):
        """(audio, frames per token, groups, tokens) for one utterance; `scales` None keeps predicted durations."""
        import torch

        key = (text, tuple(mix), seed, tuple(sorted(options.items())))
        with self._lock, torch.inference_mode():
            z_p, y_mask, g, frames, groups, tokens = self._prior(text, mix, seed, scales, options)
            prev = self._previous.get(key)
            window = self._window(prev, frames) if self.windowed and prev is not None else None
            if self.windowed and prev is not None and np.array_equal(prev.frames, frames):
                audio = prev.audio  # same frames, same noise: the same audio
                self.last_window = (0, 0)
            elif window is None:
                audio = self._decode(z_p, y_mask, g).cpu().numpy().astype(np.float32)
                self.last_window = None
            else:
                audio = self._splice(prev, frames, z_p, y_mask, g, *window)
            self._previous[key] = _Previous(frames.copy(), audio)
            self._previous.move_to_end(key)
            self._forget_previous()
            self.last_durations = frames.copy()
        return audio, frames, groups, tokens

    def _forget_previous(self) -> None:
        """Keep the most recent renders up to PREVIOUS_SAMPLES in all. An import analyses every line with the
        render the segment will get first (seed 0, no edits), so what is kept here is what makes that first
        render skip the flow and the decoder."""
        total = sum(len(p.audio) for p in self._previous.values())
        while len(self._previous) > 1 and total > PREVIOUS_SAMPLES:
            _, dropped = self._previous.popitem(last=False)
            total -= len(dropped.audio)

    def _window(self, prev: _Previous, frames: np.ndarray) -> tuple[int, int, int] | None:
        """(first changed frame, its end in the new layout, its end in the old one), or None to render whole."""
        if len(prev.frames) != len(frames) or getattr(self.model, "interpolate_z", False) and \
                self.model.args.encoder_sample_rate:
            return None
        changed = np.flatnonzero(prev.frames != frames)
        if not len(changed):
            return None
        lo, hi = int(changed.min()), int(changed.max()) + 1
        return int(frames[:lo].sum()), int(frames[:hi].sum()), int(prev.frames[:hi].sum())

    def _splice(self, prev: _Previous, frames, z_p, y_mask, g, a: int, b: int, b_old: int) -> np.ndarray:
        total = int(z_p.shape[2])
        # An edit reaches `context` frames either side of the changed frames (flow and decoder fields): that
        # much audio is replaced, and computing it exactly needs as much context again around it.
        reach = self.context + max(1, math.ceil(CROSSFADE / self.hop))
        ca, cb = max(0, a - reach), min(total, b + reach)  # frames whose audio is replaced
        fa, fb = max(0, ca - self.context), min(total, cb + self.context)  # frames run through flow and decoder
        if fb - fa >= total:
            self.last_window = None
            return self._decode(z_p, y_mask, g).cpu().numpy().astype(np.float32)
        piece = self._decode(z_p[:, :, fa:fb], y_mask[:, :, fa:fb], g).cpu().numpy().astype(np.float32)
        h = self.hop
        centre = piece[(ca - fa) * h:(cb - fa) * h]
        shift = b - b_old
        head, tail = prev.audio[:ca * h], prev.audio[(cb - shift) * h:]
        out = np.concatenate([head, centre, tail]).astype(np.float32)
        ramp = np.linspace(0.0, 1.0, CROSSFADE, dtype=np.float32)
        s, e = len(head), len(head) + len(centre)
        if ca > 0 and len(centre) >= 2 * CROSSFADE:
            out[s:s + CROSSFADE] = prev.audio[s:s + CROSSFADE] * (1 - ramp) + centre[:CROSSFADE] * ramp
        if cb < total and len(centre) >= 2 * CROSSFADE:
            old = prev.audio[(cb - shift) * h - CROSSFADE:(cb - shift) * h]
            out[e - CROSSFADE:e] = centre[-CROSSFADE:] * (1 - ramp) + old * ramp
        self.last_window = (s, e)
        return out

    # --- the backbone contract ------------------------------------------------------------------------------

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        text = " ".join(text.split())
        audio, frames, groups, tokens = self._run(text, mix.weights, 0, None, {})
        return self._words(audio, frames, groups, tokens)

    def analyze_batch(self, texts: list[str], voice: VoiceRef, mix: SpeakerMix) -> list[list[Word]]:
        """`analyze` of many lines, the model run in padded batches (vits_batch.py): the same words, pitch and
        energy as one line at a time, for an import on a GPU."""
        from studio.engine.voices.coqui.vits_batch import Job, run_jobs

        tokens = [tokenize(self.model, " ".join(t.split())) for t in texts]
        runs = run_jobs(self, [Job(t, mix=mix.weights) for t in tokens])
        return [self._words(audio, frames, groups, t) for (audio, frames, groups), t in zip(runs, tokens)]

    def _words(self, audio, frames, groups, tokens) -> list[Word]:
        """The words of a plain render, each phoneme with its duration and the pitch and energy measured on it."""
        from studio.engine.voices.timing import Span
        from studio.engine.voices.prosody import measure_prosody

        spf = len(audio) / max(frames.sum(), 1)
        bounds = frame_boundaries(frames, groups, spf)
        # VITS predicts no pitch or energy; measure them on the render (Harvest: DIO jumps octaves on VITS).
        prosody = iter(measure_prosody(audio, self.sample_rate, [Span(a, b) for a, b in zip(bounds, bounds[1:])],
                                       robust=True))
        words = []
        for wg in tokens.words:
            phonemes = []
            for g in wg.phonemes:
                pitch, energy = next(prosody)
                phonemes.append(Phoneme(g.symbol, float(frames[list(g.tokens)].sum() * spf / self.sample_rate),
                                        round(pitch, 2), round(energy, 2)))
            words.append(Word(wg.text, phonemes))
        return words

    def remember(self, request: RenderRequest, result: RenderResult) -> None:
        """Keep a native render (a batch's, say) so that `render` of the same request is a lookup."""
        with self._lock:
            self._renders[request.key()] = result
            self._renders.move_to_end(request.key())
            while len(self._renders) > RENDER_CACHE:
                self._renders.popitem(last=False)

    def render_batch(self, requests: list[RenderRequest]) -> list[RenderResult]:
        from studio.engine.voices.coqui.vits_batch import render_batch

        return render_batch(self, requests)

    def render(self, request: RenderRequest) -> RenderResult:
        key = request.key()
        with self._lock:
            if key in self._renders:
                self._renders.move_to_end(key)
                return self._renders[key]
        specs: list[PhonemeSpec] = request.phonemes()
        audio, frames, groups, _ = self._run(request.text, self.own_mix(request.mix), request.seed,
                                             [p.duration_scale for p in specs], dict(request.options))
        if len(specs) != len(groups):
            raise ValueError("This segment's phonemes no longer match the model; re-analyse the segment.")
        spf = len(audio) / max(frames.sum(), 1)
        result = RenderResult(audio=audio, sample_rate=self.sample_rate,
                              boundaries=frame_boundaries(frames, groups, spf))
        self.remember(request, result)
        return result

    def render_speaker(self, text: str, speaker: str):
        """One speaker's plain render with phoneme boundaries and word starts, for the DSP layer's morph. The
        guest voices render through their own backbones, resampled to this model's rate (guests.py)."""
        from studio.engine.voices.timing import SpeakerRender

        if self.guests.is_guest(speaker):
            return self.guests.render(text, speaker)
        audio, frames, groups, tokens = self._run(" ".join(text.split()), ((speaker, 1.0),), 0, None, {})
        spf = len(audio) / max(frames.sum(), 1)
        starts, i = [], 0
        for w in tokens.words:
            if w.text:
                starts.append(i)
            i += len(w.phonemes)
        return SpeakerRender(audio, self.sample_rate, frame_boundaries(frames, groups, spf), tuple(starts))


def _relay(predicted: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Indices into the predicted frames' noise for the edited layout: each token's own noise frames, repeated
    or dropped evenly to its new length."""
    starts = np.concatenate([[0], np.cumsum(predicted)]).astype(int)
    idx = []
    for i, (p, n) in enumerate(zip(predicted.astype(int), frames.astype(int))):
        if n <= 0:
            continue
        if p <= 0:
            idx.extend([max(0, min(starts[i], starts[-1] - 1))] * n)
        else:
            idx.extend(starts[i] + np.minimum((np.arange(n) * p) // n, p - 1))
    return np.asarray(idx, dtype=np.int64)
