"""Rendering VITS segments in padded batches gives each segment the samples of its single render."""

import numpy as np
import pytest

from studio.core.model import SpeakerMix, VoiceRef
from studio.engine.voices import coqui
from studio.engine.render.pipeline import native_request, render_many, render_request
from studio.engine.voices.registry import NEURAL
from tests.helpers import make_request

TEXTS = ["Hi.", "Please remember to water the garden every morning.",
         "The small boat drifted slowly toward the harbour at dawn, and nobody on the quay saw it arrive.",
         "Her brother sold seven paintings last winter."]


def _requests(backbone, voice, mix=()):
    out = []
    for i, text in enumerate(TEXTS):
        words = backbone.analyze(text, voice, SpeakerMix(tuple(mix)))
        edits = {1: {"duration_scale": 1.5}, 3: {"pitch_st": 2.0}} if i == 2 else None
        out.append(make_request(backbone, text, words, mix, seed=10 + i, edits=edits))
    return out


def _singles(backbone, requests):
    out = []
    for r in requests:
        backbone._renders.clear()
        backbone._previous.clear()
        out.append(render_request(backbone, r))
    backbone._renders.clear()
    backbone._previous.clear()
    return out


@pytest.mark.parametrize("which", ["neural", "tiny multi-speaker"])
def test_a_batch_of_different_lengths_equals_single_renders(which, neural, tiny_models):
    if which == "neural":
        backbone, voice, mix = neural, NEURAL, ()
    else:
        folder = tiny_models["vits_multispeaker"]
        backbone, voice = coqui.load(str(folder)), VoiceRef("coqui", str(folder))
        mix = (("ben", 0.7), ("cleo", 0.3))
    requests = _requests(backbone, voice, mix)
    singles = _singles(backbone, requests)
    lengths = {len(s.audio) for s in singles}
    assert len(lengths) == len(TEXTS)  # really different lengths, so padding is exercised
    batch = backbone.render_batch([native_request(backbone, r) for r in requests])
    for single, batched, r in zip(singles, batch, requests):
        native_single = _singles(backbone, [native_request(backbone, r)])[0]
        assert batched.boundaries == native_single.boundaries
        assert np.max(np.abs(batched.audio - native_single.audio)) < 1e-4
    # Through the whole pipeline (DSP after the batch), the same audio as one at a time.
    many = render_many(backbone, requests, batched=True)
    for single, got in zip(singles, many):
        assert len(got.audio) == len(single.audio)
        assert np.max(np.abs(got.audio - single.audio)) < 1e-4


def test_out_of_memory_halves_the_batch(neural, monkeypatch, caplog):
    import torch

    from studio.engine.voices.coqui import vits_batch

    real = vits_batch._run
    calls = []

    def flaky(backbone, items):
        calls.append(len(items))
        if len(items) > 1:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real(backbone, items)
    monkeypatch.setattr(vits_batch, "_run", flaky)
    requests = [native_request(neural, r) for r in _requests(neural, NEURAL)[:2]]
    results = vits_batch.render_batch(neural, requests)
    assert all(r is not None and len(r.audio) for r in results)
    assert calls[0] == 2 and set(calls[1:]) == {1}
    assert "halving" in caplog.text


def test_gpu_batches_are_sized_from_free_memory_and_the_measured_frame_cost(monkeypatch):
    """No GPU here: the card's free memory is stood in for, the arithmetic and the probe rule are real."""
    import types

    import torch

    from studio.engine.voices.coqui import vits_batch

    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (8 * 2**30, 80 * 2**30))
    cuda = types.SimpleNamespace(type="cuda")
    backbone = types.SimpleNamespace()
    assert vits_batch.frame_budget(backbone, cuda) == vits_batch.PROBE_FRAMES  # nothing measured yet
    backbone.bytes_per_frame = 64 * 1024
    assert vits_batch.frame_budget(backbone, cuda) == int(0.5 * 8 * 2**30 / (64 * 1024))
    backbone.bytes_per_frame = 2**40  # a huge cost never shrinks a batch below the probe
    assert vits_batch.frame_budget(backbone, cuda) == vits_batch.PROBE_FRAMES
    assert vits_batch.frame_budget(backbone, torch.device("cpu")) == vits_batch.MAX_FRAMES_PER_BATCH


def test_the_editor_worker_batches_stale_neural_segments_with_the_same_samples(neural, monkeypatch, tmp_path):
    """The GPU path of the editor's worker, run on the CPU: `batching_pays` is what only a GPU answers yes to."""
    from studio.engine.render import pipeline as render_module
    from studio.engine.render.cache import RenderCache
    from studio.engine.render.scheduler import RenderScheduler, State
    from studio.engine.voices.registry import VoiceRegistry

    from dataclasses import replace

    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural  # the session's loaded voice
    requests = [replace(r, model=NEURAL.model) for r in _requests(neural, NEURAL)]  # as the editor names it
    singles = _singles(neural, requests)
    batched_calls = []
    real_prefill = render_module.prefill

    def counting_prefill(backbone, group):
        batched_calls.append(len(group))
        return real_prefill(backbone, group)
    monkeypatch.setattr(render_module, "batching_pays", lambda backbone: True)
    monkeypatch.setattr(render_module, "prefill", counting_prefill)
    scheduler = RenderScheduler(lambda r: render_request(neural, r), RenderCache(tmp_path), debounce_s=0.05,
                                prefill=lambda group: render_module.prefill_where_it_pays(registry, group))
    for i, r in enumerate(requests):
        scheduler.submit(f"s{i}", r, priority=float(i))
    assert scheduler.wait_idle(120)
    assert batched_calls and batched_calls[0] == 2  # the first batch is small
    for i, single in enumerate(singles):
        assert scheduler.status(f"s{i}").state is State.READY
        got = scheduler.result(f"s{i}")
        assert len(got.audio) == len(single.audio)
        assert np.max(np.abs(got.audio - single.audio)) < 1e-4
    scheduler.close()
