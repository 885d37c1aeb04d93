"""The ForwardTTS (FastPitch, FastSpeech2) text encoder and predictors on many texts at once, in padded batches.

`ForwardBackbone.front` runs them for one text and caches the result per text and mix; an import on a GPU (its
analysis) and a batch render first fill that cache here, so each segment then finds its front ready, equal to
the one it would have computed alone. The encoder's attention already gets the padding mask from Coqui (the
FFTransformer block turns `x_mask` into a key padding mask), and the glow-style predictors mask their own
inputs, but the encoder's feed-forward convolutions run over the padding: every Conv1d's input is masked with
a forward pre-hook (batching.masked_convs), as for the decoder.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np

from studio.engine.voices.coqui.batching import in_batches, masked_convs
from studio.engine.voices.coqui.frontend import Tokens, mixed_conditioning, tokenize

MAX_TOKENS_PER_BATCH = 4_000  # tokens of all texts together; halved on an out-of-memory error


@dataclass
class Front:
    """Everything before the decoder that depends only on the text and the speaker mix."""

    tokens: Tokens
    x_mask: object
    o_en: object  # encoder output before pitch and energy embeddings
    g: object
    frames: np.ndarray  # predicted frames per token
    pitch: object  # [1, 1, T] normalized prediction


def fill_fronts(backbone, texts: list[str], mix: tuple[tuple[str, float], ...],
                max_tokens: int = MAX_TOKENS_PER_BATCH) -> None:
    """Compute, in padded batches, the fronts of `texts` that the backbone has not cached for `mix`."""
    with backbone._lock:
        todo = [t for t in dict.fromkeys(texts) if not backbone.has_front(t, mix)]
    if len(todo) < 2:
        return  # one text is computed alone by `front` when it is asked for
    tokens = [tokenize(backbone.model, t) for t in todo]
    fronts = in_batches([len(tk.ids) for tk in tokens], lambda: max_tokens,
                        lambda chunk: _run(backbone, [tokens[i] for i in chunk], mix))
    with backbone._lock:
        for text, front in zip(todo, fronts):
            backbone.keep_front(text, mix, front)


def _run(backbone, tokens, mix) -> list[Front]:
    import torch

    m = backbone.model
    lengths = [len(tk.ids) for tk in tokens]
    k_max = max(lengths)
    with backbone._lock, torch.inference_mode():
        x = torch.zeros(len(tokens), k_max, dtype=torch.long, device=m.device)
        for i, tk in enumerate(tokens):
            x[i, :lengths[i]] = torch.as_tensor(tk.ids, dtype=torch.long, device=m.device)
        x_mask = (torch.arange(k_max, device=m.device)[None, :] < torch.tensor(lengths, device=m.device)[:, None])
        x_mask = x_mask.unsqueeze(1).float()
        g = mixed_conditioning(m, mix, normalize_d_vector=False)
        if g is not None:
            g = g.repeat(len(tokens), *([1] * (g.dim() - 1)))
        predictors = [m.encoder, m.duration_predictor] + ([m.pitch_predictor] if m.args.use_pitch else [])
        with contextlib.ExitStack() as masked:
            for module in predictors:
                masked.enter_context(masked_convs(module, x_mask))
            o_en, x_mask, g, _ = m._forward_encoder(x, x_mask, g)
            frames = m.format_durations(m.duration_predictor(o_en, x_mask), x_mask).squeeze(1).cpu().numpy()
            pitch = m.pitch_predictor(o_en, x_mask) if m.args.use_pitch else None
        out = []
        for i, (tk, k) in enumerate(zip(tokens, lengths)):
            # Copies, not views: a cached front must not keep the whole batch's tensors alive.
            out.append(Front(tk, x_mask[i:i + 1, :, :k].clone(), o_en[i:i + 1, :, :k].clone(),
                             None if g is None else g[i:i + 1].clone(), frames[i, :k].copy(),
                             None if pitch is None else pitch[i:i + 1, :, :k].clone()))
    return out
