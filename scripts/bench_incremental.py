"""Benchmark: re-synthesizing only what an edit changed, against Coqui's own full render.

    python scripts/bench_incremental.py [--quick] [--runs N] [--json OUT]

Models: FastPitch and HiFiGAN v1 at Coqui's default sizes with random weights (scripts/make_tiny_models.py
--full), durations forced to about 7 frames per phoneme (22050 Hz, hop 256): compute does not depend on the
weight values. Script: assets/bench/harbour_5min.txt (about 760 words, about 5 minutes), one segment per sentence;
its fourth paragraph is one long sentence of about 20 seconds.

Measured (wall-clock, median of the runs):
  a  Coqui's own full render of the whole script (Synthesizer.tts, sentence by sentence, with its vocoder)
  b  our full render of every segment (encoder, predictors, decoder, vocoder; no caches)
  c  after a pitch edit on one word, time until the new audio is ready with segment-level caching: the edited
     segment (a typical sentence) is rendered exactly; every other segment comes from the cache
  c20 the same on the 20-second segment
  d  the same on the 20-second segment with sub-segment windowing (decoder on the segment, vocoder on the window)
  e  after undo: the previous request is a cache hit
  floor  vocoding only the edited window with its receptive-field context, nothing else
--quick uses the first paragraph plus the long sentence, one run of a and b and two of c, c20 and d.

VITS section (--model vits or both), on the real neural voice (Piper's joe converted into a Coqui folder):
  a  Coqui's own render: Vits.inference on Coqui's tokenizer output, sentence by sentence
  b  our full render of every segment (no caches)
  c  a pitch edit (+3 st) on one word of a typical segment: the base render is cached, PSOLA on the word only
  c20 the same on the 20-second segment (the target is 0.25 s on a 2-core machine)
  d  a duration edit (x1.5) on one word of the 20-second segment, windowed: flow and decoder on the window
  d_full the same edit rendered whole (windowing off), for comparison
  b_batched  the full render with the model's part in padded batches (engine.render.render_many), and the
             real-time factors (seconds of compute per second of audio) of b and b_batched
FastPitch section b_batched: the full render with the decoder and vocoder in padded batches
(engine/voices/coqui/forward_batch.py), with both real-time factors and the largest sample difference from b.
--device cuda runs both models on the GPU.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _maker():
    spec = importlib.util.spec_from_file_location("make_tiny_models", ROOT / "scripts" / "make_tiny_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn, runs: int) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="runs of a and b (c, d, e, floor run 5 times)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--model", choices=["fastpitch", "vits", "both"], default="both")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where the models run")
    args = parser.parse_args()
    report = {}
    if args.model in ("fastpitch", "both"):
        report["fastpitch"] = fastpitch_section(args)
    if args.model in ("vits", "both"):
        report["vits"] = vits_section(args)
    for name, section in report.items():
        print(name, json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in section.items()
                                if k != "runs"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


def load_script(quick: bool) -> tuple[list[str], str]:
    from studio.core.script import split_sentences

    paragraphs = (ROOT / "assets" / "bench" / "harbour_5min.txt").read_text().split("\n\n")
    long_sentence = paragraphs[3].strip()
    if quick:
        paragraphs = paragraphs[:1] + [long_sentence]
    return [s for p in paragraphs for s in split_sentences(p)], long_sentence


def machine(torch, device: str = "cpu") -> dict:
    out = {"platform": platform.platform(), "processor": platform.processor(), "torch": torch.__version__,
           "threads": torch.get_num_threads(), "device": device}
    if device == "cuda":
        out["gpu"] = torch.cuda.get_device_name()
    return out


def vits_section(args) -> dict:
    import torch

    from studio.core.model import Project, Segment, SpeakerMix, Track, new_id
    from studio.engine.voices.backbone import request_for
    from studio.engine.render.pipeline import render_many, render_request
    from studio.engine.voices.registry import NEURAL, VoiceRegistry

    runs = 1 if args.quick else args.runs
    small = 2 if args.quick else 5
    sentences, long_sentence = load_script(args.quick)
    backbone = VoiceRegistry(device=args.device).backbone(NEURAL)
    model = backbone.model

    def coqui_render():
        out = []
        with torch.inference_mode():
            for s in sentences:
                ids = torch.tensor([model.tokenizer.text_to_ids(s)])
                out.append(model.inference(ids, aux_input={"x_lengths": torch.tensor([ids.shape[1]])})
                           ["model_outputs"][0, 0])
        return out
    a, a_all, wavs = timed(coqui_render, runs)
    audio_s = sum(len(w) for w in wavs) / backbone.sample_rate

    track = Track(new_id(), "Narrator", NEURAL, SpeakerMix())
    project = Project(tracks=[track])
    for s in sentences:
        project.segments.append(Segment(new_id(), s, track.id, backbone.analyze(s, NEURAL, SpeakerMix())))

    def clear():
        backbone._renders.clear()
        backbone._previous.clear()

    def full_render():
        clear()
        return [render_request(backbone, request_for(project, seg, backbone)) for seg in project.segments]
    b, b_all, results = timed(full_render, runs)

    def batched_render():
        clear()
        requests = [request_for(project, seg, backbone) for seg in project.segments]
        out = render_many(backbone, requests, batched=True)
        if args.device == "cuda":
            torch.cuda.synchronize()
        return out
    b_batch, b_batch_all, batched = timed(batched_render, runs)
    batch_error = max(float(abs(x.audio - y.audio).max()) for x, y in zip(results, batched))
    durations = {seg.id: len(r.audio) / r.sample_rate for seg, r in zip(project.segments, results)}
    typical = min(project.segments, key=lambda sg: abs(durations[sg.id] - 5.0))
    long_seg = next(sg for sg in project.segments if sg.text == long_sentence)

    def word_phonemes(seg, k):
        start = sum(len(w.phonemes) for w in seg.words[:k])
        return range(start, start + len(seg.words[k].phonemes))

    def edited(seg, k, field, value):
        req = request_for(project, seg, backbone)
        idx = set(word_phonemes(seg, k))
        from dataclasses import replace
        it = iter(range(10**6))
        words = tuple(replace(w, phonemes=tuple(replace(p, **{field: value}) if next(it) in idx else p
                                                for p in w.phonemes)) for w in req.words)
        return replace(req, words=words)

    counter = iter(range(10**6))

    def pitch_edit(seg):
        render_request(backbone, request_for(project, seg, backbone))  # what the editor shows: cached base
        req = edited(seg, len(seg.words) // 2, "pitch_st", 3.0 + 0.01 * next(counter))
        t = time.perf_counter()
        render_request(backbone, req)
        return time.perf_counter() - t

    def duration_edit(seg, windowed: bool):
        backbone.windowed = windowed
        render_request(backbone, request_for(project, seg, backbone))  # the previous render of this segment
        req = edited(seg, len(seg.words) // 2, "duration_scale", 1.5 + 0.01 * next(counter))
        t = time.perf_counter()
        render_request(backbone, req)
        elapsed = time.perf_counter() - t
        backbone.windowed = True
        return elapsed

    c_all = [pitch_edit(typical) for _ in range(small)]
    c20_all = [pitch_edit(long_seg) for _ in range(small)]
    d_all = [duration_edit(long_seg, True) for _ in range(small)]
    window = backbone.last_window
    dfull_all = [duration_edit(long_seg, False) for _ in range(small)]
    med = statistics.median
    c, c20, d, dfull = med(c_all), med(c20_all), med(d_all), med(dfull_all)
    return {
        "ratio_a_c": a / c, "ratio_b_a": b / a, "ratio_dfull_d": dfull / d,
        "a_coqui_full_s": a, "b_ours_full_s": b, "b_batched_s": b_batch, "ratio_b_batched": b / b_batch,
        "rtf_one_at_a_time": b / audio_s, "rtf_batched": b_batch / audio_s,
        "batched_max_abs_difference": batch_error,
        "c_pitch_edit_segment_s": c, "c20_pitch_edit_long_s": c20,
        "d_duration_edit_windowed_s": d, "d_full_duration_edit_long_s": dfull,
        "runs": {"a": a_all, "b": b_all, "b_batched": b_batch_all, "c": c_all, "c20": c20_all, "d": d_all,
                 "d_full": dfull_all},
        "script": {"segments": len(sentences), "audio_s": audio_s, "typical_segment_s": durations[typical.id],
                   "long_segment_s": durations[long_seg.id],
                   "window_samples": (window[1] - window[0]) if window else None,
                   "context_frames": backbone.context},
        "voice": NEURAL.model, "machine": machine(torch, args.device), "quick": args.quick,
    }


def fastpitch_section(args) -> dict:
    import torch
    from TTS.utils.synthesizer import Synthesizer

    from studio.core.commands import SetPhonemes
    from studio.core.history import History
    from studio.core.model import Project, Segment, SpeakerMix, Track, VoiceRef, new_id
    from studio.engine.voices import coqui
    from studio.engine.voices.backbone import request_for
    from studio.engine.render.cache import RenderCache
    from studio.engine.render.pipeline import render_many, render_request

    torch.set_num_threads(max(1, torch.get_num_threads()))
    sentences, long_sentence = load_script(args.quick)
    if args.quick:
        args.runs = 1
    words = sum(len(s.split()) for s in sentences)

    tmp = Path(tempfile.mkdtemp(prefix="bench-models-"))
    maker = _maker()
    vocoder = maker.make_hifigan(tmp, full=True)
    folder = maker.make_forward(tmp, "fastpitch_full", energy=False, full=True)
    (folder / "vocoder").symlink_to(vocoder, target_is_directory=True)

    # (a) Coqui's own full render.
    synth = Synthesizer(tts_checkpoint=folder / "model.pth", tts_config_path=folder / "config.json",
                        vocoder_checkpoint=str(vocoder / "model.pth"), vocoder_config=str(vocoder / "config.json"))
    synth.to(args.device)
    text = " ".join(sentences)
    a, a_all, wav = timed(lambda: synth.tts(text, split_sentences=True), args.runs)
    audio_s = len(wav) / 22050

    backbone = coqui.load(str(folder), device=args.device)
    voice = VoiceRef("coqui", str(folder))
    track = Track(new_id(), "Narrator", voice, SpeakerMix())
    project = Project(tracks=[track])
    for s in sentences:
        project.segments.append(Segment(new_id(), s, track.id, backbone.analyze(s, voice, SpeakerMix())))

    # (b) our full render, caches emptied first.
    def full_render():
        backbone._fronts.clear()
        backbone._previous.clear()
        return [render_request(backbone, request_for(project, seg, backbone)) for seg in project.segments]
    b, b_all, singles = timed(full_render, args.runs)

    # (b_batched) the same, decoder and vocoder in padded batches (engine/voices/coqui/forward_batch.py).
    def batched_render():
        backbone._fronts.clear()
        backbone._previous.clear()
        backbone._renders.clear()
        out = render_many(backbone, [request_for(project, seg, backbone) for seg in project.segments], batched=True)
        if args.device == "cuda":
            torch.cuda.synchronize()
        return out
    b_batch, b_batch_all, batched = timed(batched_render, args.runs)
    batch_error = max(float(abs(x.audio - y.audio).max()) for x, y in zip(singles, batched))
    ours_audio_s = sum(len(r.audio) for r in singles) / 22050

    cache = RenderCache(None)
    for seg in project.segments:
        req = request_for(project, seg, backbone)
        cache.put(req.key(), render_request(backbone, req))
    history = History(project)
    typical = min(project.segments, key=lambda sg: abs(sg.duration - 5.0))
    long_seg = next(sg for sg in project.segments if sg.text == long_sentence)

    def word_phonemes(seg, k):
        start = sum(len(w.phonemes) for w in seg.words[:k])
        return list(range(start, start + len(seg.words[k].phonemes)))

    edits = iter(range(10**6))

    def edit_and_render(seg, windowed: bool, k: int):
        """Push a pitch edit on word k, then get the segment's new audio (cache first, as the worker does).
        Every edit has a new value, so none is a cache hit."""
        idx = word_phonemes(seg, k)
        history.push(SetPhonemes(seg.id, idx, "pitch_st", [3.0 + 0.01 * next(edits)] * len(idx)))
        req = request_for(project, seg, backbone)
        if windowed:
            req = type(req)(**{**req.__dict__, "options": (("windowed", "1"),)})
        t = time.perf_counter()
        hit = cache.get(req.key())
        result = hit if hit is not None else render_request(backbone, req)
        elapsed = time.perf_counter() - t
        cache.put(req.key(), result)
        history.undo()
        return elapsed

    mid = len(typical.words) // 2
    long_mid = len(long_seg.words) // 2
    small_runs = 2 if args.quick else 5
    c_all = [edit_and_render(typical, False, mid) for _ in range(small_runs)]
    c20_all = [edit_and_render(long_seg, False, long_mid) for _ in range(small_runs)]
    # Windowed renders start from a render of the same segment (what the editor has on screen).
    base_req = request_for(project, long_seg, backbone)
    render_request(backbone, type(base_req)(**{**base_req.__dict__, "options": (("windowed", "1"),)}))
    d_all = []
    for _ in range(small_runs):
        d_all.append(edit_and_render(long_seg, True, long_mid))
        render_request(backbone, type(base_req)(**{**base_req.__dict__, "options": (("windowed", "1"),)}))

    # (e) undo: the unedited request is in the cache.
    def undo_hit():
        req = request_for(project, typical, backbone)
        t = time.perf_counter()
        assert cache.get(req.key()) is not None
        return time.perf_counter() - t
    e_all = [undo_hit() for _ in range(5)]

    # floor: vocode only the edited window of the long segment, with its context.
    from studio.engine.voices.coqui.incremental import CROSSFADE
    front = backbone.front(long_seg.text, ())
    frames = front.frames
    groups = [g.tokens for w in front.tokens.words for g in w.phonemes]
    k0 = word_phonemes(long_seg, long_mid)
    toks = [t for i in k0 for t in groups[i]]
    lo, hi = int(frames[:min(toks)].sum()), int(frames[:max(toks) + 1].sum())
    rf, margin = backbone.receptive_field, CROSSFADE // 256 + 1
    mel = torch.randn(int(frames.sum()), 80, device=args.device)
    window = mel[max(0, lo - margin - rf):hi + margin + rf]
    floor_all = []
    for _ in range(5):
        t = time.perf_counter()
        backbone.vocoder(window)
        floor_all.append(time.perf_counter() - t)

    med = statistics.median
    c, c20, d, e, floor = med(c_all), med(c20_all), med(d_all), med(e_all), med(floor_all)
    report = {
        "ratio_a_c": a / c, "ratio_a_d": a / d, "ratio_c20_d": c20 / d, "ratio_b_a": b / a,
        "a_coqui_full_s": a, "b_ours_full_s": b, "c_segment_s": c, "c20_segment_s": c20, "d_window_s": d,
        "e_undo_s": e, "floor_vocode_window_s": floor,
        "b_batched_s": b_batch, "ratio_b_batched": b / b_batch, "rtf_one_at_a_time": b / ours_audio_s,
        "rtf_batched": b_batch / ours_audio_s, "batch_max_abs_difference": batch_error,
        "runs": {"a": a_all, "b": b_all, "b_batched": b_batch_all, "c": c_all, "c20": c20_all, "d": d_all,
                 "e": e_all, "floor": floor_all},
        "script": {"words": words, "segments": len(sentences), "audio_s": audio_s,
                   "typical_segment_s": typical.duration, "long_segment_s": long_seg.duration,
                   "window_frames": hi - lo, "receptive_field_frames": rf},
        "machine": machine(torch, args.device), "quick": args.quick,
    }
    return report


if __name__ == "__main__":
    sys.exit(main())
