"""Sub-segment re-synthesis for ForwardTTS with a GAN vocoder: vocode only what an edit changed.

The decoder is cheap (about 0.03 s per second of audio here) and the vocoder dominates (HiFiGAN v1: about 0.5 s
per second). After an edit, the decoder runs on the whole segment, the tokens whose decoder inputs (frames,
pitch, energy) changed give the edited window, and only that window is vocoded, with the vocoder's receptive
field of context on each side (computed from its config), then spliced into the previous audio with short
crossfades. Audio outside the window is the previous audio, sample for sample (shifted when durations changed).

This is an approximation: the decoder's self-attention lets an edit nudge mel frames outside the window, which
the splice ignores. Windowed renders are therefore marked in the request options and cached apart from exact
ones; exports render exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CROSSFADE = 128  # samples of linear crossfade at each seam


@dataclass
class Previous:
    """What the last render of a text + mix fed the decoder, and what came out."""

    frames: np.ndarray  # per token
    pitch: np.ndarray | None
    energy: np.ndarray | None
    audio: np.ndarray


def receptive_field_frames(config) -> int:
    """Mel frames of context one side of a window needs so that the vocoded centre equals a full vocode.

    Follows Coqui's HifiganGenerator: conv_pre (kernel 7), then per upsampling stage a transposed conv and the
    resblocks (type 1: a dilated and an undilated conv per dilation; type 2: a dilated conv), then conv_post
    (kernel 7). Each conv of kernel k and dilation d widens the field by (k - 1) * d steps at its resolution.
    """
    p = config.generator_model_params
    resblock_type = str(p.get("resblock_type", "1"))
    span = 6.0  # conv_pre, in frames
    scale = 1
    for u, k in zip(p["upsample_factors"], p["upsample_kernel_sizes"]):
        scale *= u
        span += (k - 1) / scale
        widest = 0
        for kk, dilations in zip(p["resblock_kernel_sizes"], p["resblock_dilation_sizes"]):
            w = sum((kk - 1) * d + ((kk - 1) if resblock_type == "1" else 0) for d in dilations)
            widest = max(widest, w)
        span += widest / scale
    span += 6 / scale  # conv_post
    return int(math.ceil(span / 2)) + 1


def changed_tokens(prev: Previous, frames: np.ndarray, pitch, energy) -> np.ndarray:
    if len(prev.frames) != len(frames):
        return np.arange(len(frames))
    diff = prev.frames != frames
    for old, new in ((prev.pitch, pitch), (prev.energy, energy)):
        if old is not None and new is not None:
            diff |= np.abs(old - new) > 1e-6
    return np.flatnonzero(diff)


def splice(prev: Previous, frames: np.ndarray, mel: np.ndarray, tokens: np.ndarray, vocode, hop: int,
           pad_frames: int, rf: int) -> np.ndarray:
    """New audio: the previous audio outside the changed tokens' frames, freshly vocoded audio inside."""
    lo, hi = int(tokens.min()), int(tokens.max()) + 1
    new_start = int(frames[:lo].sum())
    new_end = int(frames[:hi].sum())
    old_end = int(prev.frames[:hi].sum())
    margin = max(1, int(math.ceil(CROSSFADE / hop)))  # frames, so the crossfades lie inside the new audio
    a = max(0, new_start - margin)
    b = min(len(mel), new_end + margin)
    ctx_a, ctx_b = max(0, a - rf), min(len(mel), b + rf)
    chunk = vocode(mel[ctx_a:ctx_b])
    # Chunk sample of mel frame f is (f - ctx_a + pad) * hop; full-render sample of frame f is (f + pad) * hop.
    centre = chunk[(a - ctx_a + pad_frames) * hop:(b - ctx_a + pad_frames) * hop]
    head = prev.audio[:(a + pad_frames) * hop]
    shift = (new_end - old_end)
    tail = prev.audio[(b - shift + pad_frames) * hop:]
    out = np.concatenate([head, centre, tail]).astype(np.float32)
    # Crossfade each seam: blend the previous audio into the new over CROSSFADE samples inside the window.
    ramp = np.linspace(0.0, 1.0, CROSSFADE, dtype=np.float32)
    s = len(head)
    if s >= CROSSFADE and len(centre) >= 2 * CROSSFADE:
        old_seg = prev.audio[s:s + CROSSFADE]
        out[s:s + CROSSFADE] = old_seg * (1 - ramp) + centre[:CROSSFADE] * ramp
        e = s + len(centre)
        old_tail = prev.audio[(b - shift + pad_frames) * hop - CROSSFADE:(b - shift + pad_frames) * hop]
        if len(old_tail) == CROSSFADE:
            out[e - CROSSFADE:e] = centre[-CROSSFADE:] * (1 - ramp) + old_tail * ramp
    return out
