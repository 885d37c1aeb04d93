"""Rendering several ForwardTTS (FastPitch, FastSpeech2) segments in padded batches, equal to one at a time.

The text encoder and the predictors run first, batched per speaker mix (forward_fronts.py), into the cache that
`ForwardBackbone.front` keeps per text and mix. The user's duration, pitch and energy edits then go in per
segment (`decoder_inputs`), and the heavy part is batched again: the decoder on the expanded frames and the GAN
vocoder.

Padding must not leak into a segment. Coqui's FFTransformer decoder calls its attention without a key mask (a
single utterance has no padding), its feed-forward convolutions run on the padded sequence, and the vocoder has
no mask at all, so a segment would attend to, and convolve with, frames of padding. In a batch the decoder's
attention gets the key padding mask (`_decode`), every Conv1d of the decoder gets its input multiplied by the
frame mask (a forward pre-hook), and the vocoder runs through `vits_steps.masked_decoder`, which masks each
layer: each segment then sees exactly what its single render sees.
"""

from __future__ import annotations


import numpy as np

from studio.engine.voices.backbone import RenderRequest, RenderResult
from studio.engine.voices.coqui import vits_steps as steps
from studio.engine.voices.coqui.batching import in_batches, masked_convs

MAX_FRAMES_PER_BATCH = 40_000  # decoder frames of all segments together; halved on an out-of-memory error


def can_batch(backbone) -> bool:
    """A GAN vocoder at the model's own rate (no mel interpolation) and the FFTransformer-style decoder."""
    voc = backbone.vocoder
    return (voc.generator is not None and hasattr(voc.generator, "conv_pre")
            and voc.config["audio"]["sample_rate"] == backbone.model.ap.sample_rate)


def render_batch(backbone, requests: list[RenderRequest], max_frames: int = MAX_FRAMES_PER_BATCH
                 ) -> list[RenderResult]:
    """Exact renders of `requests`, in their order; each is kept by the backbone for its `render` to find."""
    import torch

    if not can_batch(backbone):
        return [backbone.render(r) for r in requests]
    from studio.engine.voices.coqui.forward_fronts import fill_fronts

    for mix in dict.fromkeys(r.mix for r in requests):  # the encoders and predictors in batches too, per mix
        fill_fronts(backbone, [r.text for r in requests if r.mix == mix], mix)
    with backbone._lock, torch.inference_mode():
        prepared = [backbone.decoder_inputs(r) for r in requests]

    def run(chunk: list[int]) -> list[RenderResult]:
        with backbone._lock, torch.inference_mode():
            audios = _run(backbone, [prepared[i] for i in chunk])
        return [backbone.finish(requests[i], prepared[i], audio) for i, audio in zip(chunk, audios)]

    return in_batches([float(p.frames.sum()) for p in prepared], lambda: max_frames, run)


def _run(backbone, items) -> list[np.ndarray]:
    import torch

    m = backbone.model
    device = items[0].o_en.device
    n = len(items)
    t_en = max(it.o_en.shape[2] for it in items)
    o_en = torch.zeros(n, items[0].o_en.shape[1], t_en, device=device, dtype=items[0].o_en.dtype)
    x_mask = torch.zeros(n, 1, t_en, device=device, dtype=items[0].x_mask.dtype)
    dr = torch.zeros(n, t_en, device=device)
    for i, it in enumerate(items):
        k = it.o_en.shape[2]
        o_en[i, :, :k] = it.o_en[0]
        x_mask[i, :, :k] = it.x_mask[0]
        dr[i, :k] = torch.as_tensor(it.frames, dtype=torch.float32, device=device)
    y_lengths = dr.sum(1)
    lengths = [int(v) for v in y_lengths.tolist()]
    t_de = max(lengths)
    y_mask = (torch.arange(t_de, device=device)[None, :] < y_lengths[:, None]).unsqueeze(1)
    with masked_convs(m.decoder, y_mask):
        o_de = _decode(m, o_en, dr, x_mask, y_lengths)
    return _vocode(backbone, [o_de[i, :lengths[i]] for i in range(n)])


def _decode(m, o_en, dr, x_mask, y_lengths):
    """`ForwardTTS._forward_decoder` for a padded batch: the same steps, with the attention's key padding mask
    given where Coqui's FFTransformerDecoder leaves it out. Returns [B, T, C]."""
    from TTS.tts.layers.feed_forward.decoder import FFTransformerDecoder
    from TTS.tts.utils.helpers import expand_encoder_outputs

    o_en_ex, _, y_mask = expand_encoder_outputs(o_en, dr, x_mask, y_lengths)
    if hasattr(m, "pos_encoder"):
        o_en_ex = m.pos_encoder(o_en_ex, y_mask)
    inner = m.decoder.decoder
    if isinstance(inner, FFTransformerDecoder):
        o = inner.transformer_block(o_en_ex, mask=y_mask) * y_mask
        o_de = inner.postnet(o) * y_mask
    else:  # the other decoder types take the mask themselves
        o_de = m.decoder(o_en_ex, y_mask)
    return o_de.transpose(1, 2)


def _vocode(backbone, mels) -> list[np.ndarray]:
    """The GAN vocoder on a padded batch, each mel prepared and padded as `Vocoder.__call__` and the generator's
    own `inference` do for one (re-normalized for the vocoder, `inference_padding` frames replicated each side)."""
    import torch
    import torch.nn.functional as F

    voc = backbone.vocoder
    gen = voc.generator
    device = next(gen.parameters()).device
    pad = int(getattr(gen, "inference_padding", 0))
    inputs = []
    for mel in mels:
        spec = backbone.model.ap.denormalize(mel.detach().cpu().numpy().T).T
        x = torch.tensor(voc.ap.normalize(spec.T), device=device).unsqueeze(0)
        inputs.append(F.pad(x, (pad, pad), "replicate") if pad else x)
    lengths = [x.shape[2] for x in inputs]
    batch = torch.zeros(len(inputs), inputs[0].shape[1], max(lengths), device=device, dtype=inputs[0].dtype)
    for i, x in enumerate(inputs):
        batch[i, :, :lengths[i]] = x[0]
    wav = steps.masked_decoder(gen, batch, lengths)
    hop = int(voc.config.audio["hop_length"])
    return [wav[i, 0, :lengths[i] * hop].cpu().numpy().astype(np.float32) for i in range(len(inputs))]

