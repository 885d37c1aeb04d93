"""Rendering several VITS segments in padded batches, with the same samples as one at a time.

Segments are sorted by length (less padding), cut into batches, and each batch runs the text encoder, the
duration predictor, the flow and the decoder once. Every segment draws its noise from its own generator, seeded
by its own seed, before stacking (vits_steps.py), and the decoder masks each convolution's input beyond a
segment's end, so a segment's audio equals its single render (tested within 1e-4 on the CPU).

On a GPU this is what makes a long script fast: one segment at a time leaves the card waiting on kernel launches
(see docs/performance.md). On the 2-core CPU here batching measured slower, so the CPU path renders one at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from studio.engine.voices.backbone import RenderRequest, RenderResult
from studio.engine.voices.coqui import vits_steps as steps
from studio.engine.voices.coqui.batching import in_batches
from studio.engine.voices.timing import frame_boundaries
from studio.engine.voices.coqui.frontend import mixed_conditioning, tokenize

log = logging.getLogger(__name__)
MAX_FRAMES_PER_BATCH = 40_000  # frames of all segments together on a CPU; halved on an out-of-memory error
PROBE_FRAMES = 4_000  # the first GPU batch, small enough for any card, measures the cost of a frame
FREE_SHARE = 0.5  # of the GPU memory free at the time: the rest is left to the allocator's caching and others
FRAMES_PER_TOKEN = 12  # about what the duration predictor gives speech, to size a batch before it runs


def frame_budget(backbone, device) -> int:
    """How many output frames one batch may hold. On a GPU: the free memory over the measured peak bytes per
    frame (measured on the first batch, see `_measure`), so a batch never asks for more than the card has."""
    import torch

    if device.type != "cuda":
        return MAX_FRAMES_PER_BATCH
    per_frame = getattr(backbone, "bytes_per_frame", None)
    if not per_frame:
        return PROBE_FRAMES
    free, _ = torch.cuda.mem_get_info(device)
    return int(max(PROBE_FRAMES, FREE_SHARE * free / per_frame))


def _measure(backbone, device, before: int, frames: int) -> None:
    """Peak bytes per output frame of the batch that just ran, kept on the backbone (the largest seen)."""
    import torch

    if device.type != "cuda" or frames <= 0:
        return
    per_frame = (torch.cuda.max_memory_allocated(device) - before) / frames
    if per_frame > getattr(backbone, "bytes_per_frame", 0):
        backbone.bytes_per_frame = per_frame
        free, _ = torch.cuda.mem_get_info(device)
        log.info("A batch frame costs %.0f KB of GPU memory at peak; with %.1f GB free, batches hold up to %d "
                 "frames.", per_frame / 1024, free / 2**30, frame_budget(backbone, device))


@dataclass(frozen=True)
class Job:
    """One segment of a batch: its tokens, the seed and options of its noise, the speaker mix it is conditioned
    on, and its duration scales per phoneme group (None keeps the predicted durations, as an analysis does)."""

    tokens: object  # frontend.Tokens
    seed: int = 0
    options: tuple = ()
    mix: tuple = ()
    scales: tuple | None = None


def render_batch(backbone, requests: list[RenderRequest], max_frames: int | None = None) -> list[RenderResult]:
    """Native renders of `requests` (no DSP), in their order; each also lands in the backbone's render cache.
    `max_frames` fixes the batch size (tests); by default it comes from the device (`frame_budget`)."""
    m = backbone.model
    jobs = []
    for r in requests:
        tokens = tokenize(m, r.text)
        scales = tuple(p.duration_scale for p in r.phonemes())
        if len(scales) != sum(len(w.phonemes) for w in tokens.words):
            raise ValueError("This segment's phonemes no longer match the model; re-analyse the segment.")
        jobs.append(Job(tokens, r.seed, r.options, backbone.own_mix(r.mix), scales))
    results = []
    for r, (audio, frames, groups) in zip(requests, run_jobs(backbone, jobs, max_frames)):
        results.append(RenderResult(audio=audio, sample_rate=backbone.sample_rate,
                                    boundaries=frame_boundaries(frames, groups, backbone.hop)))
        backbone.remember(r, results[-1])
    return results


def run_jobs(backbone, jobs: list[Job], max_frames: int | None = None) -> list[tuple]:
    """(audio, frames per token, phoneme groups) per job, in the jobs' order, run in padded batches sorted by
    length and sized by `max_frames` or, by default, by the device (`frame_budget`)."""
    import torch

    device = backbone.model.device

    def run(chunk: list[int]) -> list[tuple]:
        before = torch.cuda.memory_allocated(device) if device.type == "cuda" else 0
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        with backbone._lock, torch.inference_mode():
            out = _run(backbone, [jobs[i] for i in chunk])
        _measure(backbone, device, before, len(out) * max(len(a) for a, _, _ in out) // backbone.hop)
        return out

    # `max_frames` (the tests') fixes the budget, still halved by an out-of-memory error.
    budget = (lambda: max_frames) if max_frames is not None else (lambda: frame_budget(backbone, device))
    return in_batches([FRAMES_PER_TOKEN * len(j.tokens.ids) for j in jobs], budget, run)


def _run(backbone, jobs: list[Job]) -> list[tuple]:
    import torch

    m = backbone.model
    device = m.device
    n = len(jobs)
    gens = [steps.generator(j.seed) for j in jobs]
    options = [dict(j.options) for j in jobs]
    noise = [float(o.get("noise_scale", m.inference_noise_scale)) for o in options]
    noise_dp = [float(o.get("noise_scale_dp", m.inference_noise_scale_dp)) for o in options]
    conds = [mixed_conditioning(m, j.mix, normalize_d_vector=True) for j in jobs]
    g = None if conds[0] is None else torch.cat(conds, 0)
    m_p, logs_p, x_mask, predictions = steps.encode(m, [j.tokens.ids for j in jobs], g, gens, noise_dp)
    priors, masks, layouts = [], [], []
    for i, job in enumerate(jobs):
        k = len(job.tokens.ids)
        predicted = predictions[i]
        base = steps.prior_noise(gens[i], int(max(predicted.sum(), 1)), m_p.shape[1]).to(device, m_p.dtype)
        groups = [gr.tokens for w in job.tokens.words for gr in w.phonemes]
        scales = None if job.scales is None else list(job.scales)
        z_p, y_mask, frames = backbone.expand(m_p[i:i + 1, :, :k], logs_p[i:i + 1, :, :k], x_mask[i:i + 1, :, :k],
                                              predicted, groups, scales, base, noise[i])
        priors.append(z_p)
        masks.append(y_mask)
        layouts.append((frames, groups))
    frame_counts = [int(z.shape[2]) for z in priors]
    f_max = max(frame_counts)
    z_p = torch.zeros(n, priors[0].shape[1], f_max, device=device, dtype=priors[0].dtype)
    y_mask = torch.zeros(n, 1, f_max, device=device, dtype=masks[0].dtype)
    for i, (z, ym) in enumerate(zip(priors, masks)):
        z_p[i, :, :frame_counts[i]] = z[0]
        y_mask[i, :, :frame_counts[i]] = ym[0]
    z = m.flow(z_p, y_mask, g=g, reverse=True)
    audio = steps.masked_decoder(m.waveform_decoder, z * y_mask, frame_counts, g=g)
    return [(audio[i, 0, :frame_counts[i] * backbone.hop].cpu().numpy().astype(np.float32), frames, groups)
            for i, (frames, groups) in enumerate(layouts)]
