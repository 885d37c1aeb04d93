"""Steps of Coqui's VITS that Speech Studio runs with its own noise and masks, shared by single and batched renders.

- Noise is drawn from a generator seeded per segment (on the CPU, then moved), in the order `Vits.inference`
  draws it: the duration predictor's noise, then the prior's. So a segment sounds the same alone or in a batch,
  and, on the CPU, the same as Coqui's own inference after `torch.manual_seed(seed)`.
- The stochastic duration predictor's reverse pass is Coqui's (StochasticDurationPredictor.forward with
  reverse=True), with the noise passed in instead of drawn inside.
- The HiFiGAN decoder of a padded batch is Coqui's HifiganGenerator.forward with each convolution's input masked
  beyond its segment's end: every conv then sees zeros there, exactly the zero padding it sees when the segment
  is rendered alone, so padding changes no sample.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def generator(seed: int) -> torch.Generator:
    return torch.Generator(device="cpu").manual_seed(int(seed))


def duration_noise(gen: torch.Generator, tokens: int) -> torch.Tensor:
    return torch.randn(1, 2, tokens, generator=gen)


def prior_noise(gen: torch.Generator, frames: int, channels: int) -> torch.Tensor:
    """[1, C, frames], filled as `randn_like` fills Coqui's expanded prior: a transposed, non-contiguous tensor
    (torch fills those in another order than contiguous ones)."""
    return torch.empty(1, frames, channels).transpose(1, 2).normal_(generator=gen)


def encode(m, id_lists: list[list[int]], g, gens: list[torch.Generator], noise_dp: list[float]):
    """Coqui VITS's text encoder and duration predictor on a padded batch of token id lists (one list is a single
    render): (m_p, logs_p, x_mask, predicted frames per token for each segment). Each segment's duration noise
    comes from its own generator, drawn before anything else, as `Vits.inference` draws it."""
    device = m.device
    lengths = [len(ids) for ids in id_lists]
    t_max = max(lengths)
    x = torch.zeros(len(id_lists), t_max, dtype=torch.long, device=device)
    for i, ids in enumerate(id_lists):
        x[i, :lengths[i]] = torch.as_tensor(ids, dtype=torch.long)
    enc, m_p, logs_p, x_mask = m.text_encoder(x, torch.tensor(lengths, device=device), lang_emb=None)
    g_dp = g if m.args.condition_dp_on_speaker else None
    if m.args.use_sdp:
        noise = torch.zeros(len(id_lists), 2, t_max)
        for i, n in enumerate(lengths):
            noise[i, :, :n] = duration_noise(gens[i], n) * noise_dp[i]
        logw = sdp_reverse(m.duration_predictor, enc, x_mask, g_dp, noise, 1.0)
    else:
        logw = m.duration_predictor(enc, x_mask, g=g_dp, lang_emb=None)
    w_ceil = torch.ceil(torch.exp(logw) * x_mask * m.length_scale)
    return m_p, logs_p, x_mask, [w_ceil[i, 0, :n].cpu().numpy() for i, n in enumerate(lengths)]


def sdp_reverse(sdp, x, x_mask, g, noise, noise_scale: float):
    """log durations from Coqui's stochastic duration predictor, with `noise` ([B, 2, T]) given."""
    x = sdp.pre(x)
    if g is not None:
        x = x + sdp.cond(g)
    x = sdp.convs(x, x_mask)
    x = sdp.proj(x) * x_mask
    flows = list(reversed(sdp.flows))
    flows = flows[:-2] + [flows[-1]]  # as Coqui: the first coupling flow only runs in training
    z = noise.to(device=x.device, dtype=x.dtype) * noise_scale
    for flow in flows:
        z = torch.flip(z, [1])
        z = flow(z, x_mask, g=x, reverse=True)
    z0, _ = torch.split(z, [1, 1], 1)
    return z0


def _lrelu(x, slope):
    return F.leaky_relu(x, slope)


def _resblock(block, x, mask, slope):
    if hasattr(block, "convs1"):  # ResBlock1
        for c1, c2 in zip(block.convs1, block.convs2):
            xt = c1(_lrelu(x, slope) * mask)
            xt = c2(_lrelu(xt, slope) * mask)
            x = (xt + x) * mask
        return x
    for c in block.convs:  # ResBlock2
        x = (c(_lrelu(x, slope) * mask) + x) * mask
    return x


def masked_decoder(gen, x, lengths: list[int], g=None):
    """HifiganGenerator.forward on a padded batch [B, C, T], exact per segment (see the module docstring)."""
    from TTS.vocoder.models.hifigan_generator import LRELU_SLOPE

    def mask_for(scale: int, length: int):
        t = torch.arange(length, device=x.device)
        return (t[None, :] < torch.as_tensor(lengths, device=x.device)[:, None] * scale).unsqueeze(1).to(x.dtype)

    scale = 1
    m = mask_for(scale, x.shape[2])
    o = gen.conv_pre(x * m)
    if hasattr(gen, "cond_layer"):
        o = o + gen.cond_layer(g)
    o = o * m
    for i in range(gen.num_upsamples):
        o = gen.ups[i](_lrelu(o, LRELU_SLOPE) * m)
        scale *= gen.ups[i].stride[0]
        m = mask_for(scale, o.shape[2])
        o = o * m
        z_sum = None
        for j in range(gen.num_kernels):
            z = _resblock(gen.resblocks[i * gen.num_kernels + j], o, m, LRELU_SLOPE)
            z_sum = z if z_sum is None else z_sum + z
        o = z_sum / gen.num_kernels
    o = gen.conv_post(F.leaky_relu(o) * m)
    return torch.tanh(o)
