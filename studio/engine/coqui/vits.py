"""Coqui VITS and YourTTS, run step by step: durations are editable natively, speakers are mixed by weight.

The steps are those of `Vits.inference()`, in the same order and drawing noise in the same order, so a render
with no edits equals Coqui's own output for the same seed. The stochastic duration predictor always runs (it
draws noise first), and edited durations then replace its output. Noise is seeded per segment, so every render
of a request repeats exactly. Pitch and energy edits are not native here; the shared DSP layer applies them.
"""

from __future__ import annotations

import threading

import numpy as np

from studio.core.model import Phoneme, SpeakerMix, VoiceRef, Word

from ..backbone import Backbone, Capabilities, PhonemeSpec, RenderRequest, RenderResult, Speaker
from .forward import distribute, frame_boundaries
from .frontend import mixed_conditioning, speaker_names, tokenize
from .loading import ModelFolder


class VitsBackbone(Backbone):
    name = "coqui"

    def __init__(self, spec: str, folder: ModelFolder, model, config, device: str = "cpu"):
        self.spec, self.folder, self.model, self.config, self.device = spec, folder, model, config, device
        self.version = f"{folder.card.name}:{folder.checkpoint.stat().st_mtime_ns}"
        self._lock = threading.RLock()
        self.last_durations: np.ndarray | None = None  # what the flow last received; tests read it

    @property
    def sample_rate(self) -> int:
        return int(self.config.audio["sample_rate"])

    def capabilities(self) -> Capabilities:
        card = self.folder.card
        return Capabilities(
            native_pitch=False, native_energy=False, native_duration=True,
            speakers=tuple(Speaker(n, n) for n in speaker_names(self.model)), can_mix=bool(speaker_names(self.model)),
            emotion="dsp + noise scales", sample_rate=self.sample_rate, license=card.license,
            commercial_use=card.commercial_use,
            notes=f"Noise scales {self.model.inference_noise_scale} / {self.model.inference_noise_scale_dp}, "
                  "seeded per segment.")

    def _run(self, text: str, mix, seed: int, scales: list[float] | None, options: dict):
        """(audio, frames per token, groups) for one utterance; `scales` None keeps the predicted durations."""
        import torch
        from TTS.tts.utils.helpers import generate_path, sequence_mask

        m = self.model
        tokens = tokenize(m, text)
        groups = [g.tokens for w in tokens.words for g in w.phonemes]
        noise = float(options.get("noise_scale", m.inference_noise_scale))
        noise_dp = float(options.get("noise_scale_dp", m.inference_noise_scale_dp))
        with self._lock, torch.inference_mode(), torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            x = torch.as_tensor(tokens.ids, dtype=torch.long, device=m.device).unsqueeze(0)
            x_lengths = torch.tensor([x.shape[1]], device=m.device)
            g = mixed_conditioning(m, mix, normalize_d_vector=True)
            x, m_p, logs_p, x_mask = m.text_encoder(x, x_lengths, lang_emb=None)
            g_dp = g if m.args.condition_dp_on_speaker else None
            if m.args.use_sdp:
                logw = m.duration_predictor(x, x_mask, g=g_dp, reverse=True, noise_scale=noise_dp, lang_emb=None)
            else:
                logw = m.duration_predictor(x, x_mask, g=g_dp, lang_emb=None)
            w = torch.exp(logw) * x_mask * m.length_scale
            if scales is not None and any(s != 1.0 for s in scales):
                frames = distribute(torch.ceil(w)[0, 0].cpu().numpy(), groups, scales)
                w = torch.as_tensor(frames, dtype=w.dtype, device=w.device).view(1, 1, -1)
            w_ceil = torch.ceil(w)
            y_lengths = torch.clamp_min(torch.sum(w_ceil, [1, 2]), 1).long()
            y_mask = sequence_mask(y_lengths, None).to(x_mask.dtype).unsqueeze(1)
            attn_mask = x_mask * y_mask.transpose(1, 2)
            attn = generate_path(w_ceil.squeeze(1), attn_mask.squeeze(1).transpose(1, 2))
            m_p = torch.matmul(attn.transpose(1, 2), m_p.transpose(1, 2)).transpose(1, 2)
            logs_p = torch.matmul(attn.transpose(1, 2), logs_p.transpose(1, 2)).transpose(1, 2)
            z_p = m_p + torch.randn_like(m_p) * torch.exp(logs_p) * noise
            z = m.flow(z_p, y_mask, g=g, reverse=True)
            z, _, _, y_mask = m.upsampling_z(z, y_lengths=y_lengths, y_mask=y_mask)
            o = m.waveform_decoder((z * y_mask)[:, :, : m.max_inference_len], g=g)
            frames = w_ceil[0, 0].cpu().numpy()
            self.last_durations = frames.copy()
        return o[0, 0].cpu().numpy().astype(np.float32), frames, groups, tokens

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        from ..embedded import Span, measure_prosody

        text = " ".join(text.split())
        audio, frames, groups, tokens = self._run(text, mix.weights, 0, None, {})
        spf = len(audio) / max(frames.sum(), 1)
        bounds = frame_boundaries(frames, groups, spf)
        # VITS predicts no pitch or energy; measure them on the render, as for the embedded voice.
        prosody = iter(measure_prosody(audio, self.sample_rate, [Span(a, b) for a, b in zip(bounds, bounds[1:])]))
        words = []
        for wg in tokens.words:
            phonemes = []
            for g in wg.phonemes:
                pitch, energy = next(prosody)
                phonemes.append(Phoneme(g.symbol, float(frames[list(g.tokens)].sum() * spf / self.sample_rate),
                                        round(pitch, 2), round(energy, 2)))
            words.append(Word(wg.text, phonemes))
        return words

    def render(self, request: RenderRequest) -> RenderResult:
        specs: list[PhonemeSpec] = request.phonemes()
        audio, frames, groups, _ = self._run(request.text, request.mix, request.seed,
                                             [p.duration_scale for p in specs], dict(request.options))
        if len(specs) != len(groups):
            raise ValueError("This segment's phonemes no longer match the model; re-analyse the segment.")
        spf = len(audio) / max(frames.sum(), 1)
        return RenderResult(audio=audio, sample_rate=self.sample_rate,
                            boundaries=frame_boundaries(frames, groups, spf))



