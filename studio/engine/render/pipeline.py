"""Rendering a segment: the backbone does what it can natively, the DSP layer does the rest.

1. The request is split: edits the backbone controls natively go to it, the others are kept for DSP.
2. A mix of several speakers on a backbone that cannot mix natively is rendered once per speaker and morphed
   with WORLD, time-aligned phoneme by phoneme (word by word where the voices' phonemes differ).
3. Non-native pitch edits go through PSOLA, spliced into the edited spans only; energy is a per-sample gain;
   the emotion's pitch level and range are a PSOLA pass over the segment and its tilt a filter. WORLD vocodes
   the whole segment only for a morph, for time-scaling a voice without native durations, and for breath or
   whisper.
With nothing left for DSP, the backbone's render is returned untouched (bit-exact).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from studio.core.emotion import EmotionPreset
from studio.core.model import PAUSE, Project, Segment, VoiceRef

from studio.engine.edits import dsp, psola
from studio.engine.voices.backbone import (Backbone, PhonemeSpec, RenderRequest, RenderResult, WordSpec, on_gpu,
                                           request_for)
from studio.engine.voices.registry import VoiceRegistry

log = logging.getLogger(__name__)
BATCH_SLICE = 64  # segments whose native renders are batched together; within the backbone's render cache


def render_segment(project: Project, segment: Segment, voices: VoiceRegistry) -> RenderResult:
    backbone = voices.backbone(project.track(segment.track_id).voice)
    return render_request(backbone, request_for(project, segment, backbone))


def _native_only(request: RenderRequest, native_pitch: bool, native_energy: bool, native_duration: bool,
                 mix: tuple | None = None) -> RenderRequest:
    words = tuple(WordSpec(w.text, tuple(
        PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy,
                    p.duration_scale if native_duration else 1.0,
                    p.pitch_st if native_pitch else 0.0,
                    p.energy_db if native_energy else 0.0) for p in w.phonemes), w.emotion_intensity)
        for w in request.words)
    return replace(request, words=words, mix=request.mix if mix is None else mix)


def _with_tempo(request: RenderRequest, tempo: list[float]) -> RenderRequest:
    """The request with the emotion's tempo folded into its (native) duration scales."""
    if all(t == 1.0 for t in tempo):
        return request
    it = iter(tempo)
    words = tuple(WordSpec(w.text, tuple(replace(p, duration_scale=p.duration_scale * next(it)) for p in w.phonemes),
                           w.emotion_intensity) for w in request.words)
    return replace(request, words=words)


def _phoneme_intensities(request: RenderRequest) -> list[float]:
    return [request.emotion_intensity if w.emotion_intensity is None else w.emotion_intensity
            for w in request.words for _ in w.phonemes]


def _rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0


def _morph_speakers(backbone: Backbone, request: RenderRequest) -> tuple[dsp.World, np.ndarray, float]:
    """WORLD parameters of the mix, the phoneme boundaries in frames on the timing voice's timeline, and the
    weighted loudness of the voices (RMS) for level matching.

    The timing voice is the dominant speaker, or, for a backbone that names one (a neural voice mixed with the
    embedded ones), its own voice, even at weight 0: the segment's phonemes are that voice's phonemes."""
    mix = sorted(((n, w) for n, w in request.mix if w > 0), key=lambda kv: -kv[1])
    timing = backbone.timing_speaker(request.mix) if hasattr(backbone, "timing_speaker") else mix[0][0]
    if timing not in dict(mix):
        mix.append((timing, 0.0))
    renders = [backbone.render_speaker(request.text, name) for name, _ in mix]
    ref = [name for name, _ in mix].index(timing)
    worlds = [dsp.analyse(r.audio, r.sample_rate) for r in renders]
    hop = worlds[ref].hop
    same_phonemes = len({len(r.boundaries) for r in renders}) == 1
    if not same_phonemes and len({len(r.word_starts) for r in renders}) > 1:
        # Voices with different phonemizers are aligned word by word; where even the words differ ("$20" read
        # as two words by one, three by the other), there is nothing sound to align.
        raise ValueError("The voices of this mix split the line into different words, so they cannot be morphed; "
                         "spell numbers and symbols out, or mix voices that share a phonemizer.")
    anchors = []
    for r, w in zip(renders, worlds):
        points = r.boundaries if same_phonemes else [r.boundaries[i] for i in r.word_starts] + [r.boundaries[-1]]
        anchors.append(dsp.to_frames(points, hop, w.frames))
    world = dsp.morph(worlds, anchors, [w for _, w in mix], reference=ref)
    level = sum(w * _rms(r.audio) for (_, w), r in zip(mix, renders)) / sum(w for _, w in mix)
    return world, dsp.to_frames(renders[ref].boundaries, hop, world.frames), level


def is_morph(backbone: Backbone, request: RenderRequest) -> bool:
    return hasattr(backbone, "render_speaker") and backbone.needs_morph(request.mix)


def _tempo(request: RenderRequest, preset: EmotionPreset, k: list[float]) -> list[float]:
    """The emotion's tempo and pause lengths as a duration factor per phoneme."""
    return [(preset.scaled(ki).pause_factor if p.symbol == PAUSE else 1.0 / preset.scaled(ki).tempo)
            for p, ki in zip(request.phonemes(), k)]


def native_request(backbone: Backbone, request: RenderRequest) -> RenderRequest:
    """What the backbone renders itself for `request`: its native edits, and, where durations are native (and
    no morph is needed), the emotion's tempo folded into them. The DSP layer does the rest."""
    caps = backbone.capabilities()
    native = _native_only(request, caps.native_pitch, caps.native_energy, caps.native_duration)
    if caps.native_duration and not is_morph(backbone, request):
        preset = EmotionPreset(**dict(request.emotion_preset)) if request.emotion_preset else EmotionPreset()
        native = _with_tempo(native, _tempo(request, preset, _phoneme_intensities(request)))
    return native


def prefill(backbone: Backbone, requests: list[RenderRequest]) -> None:
    """Run the native parts of `requests` in padded batches where the backbone can (VITS): the same samples as
    one at a time, left in the backbone's render cache for the DSP that follows. A batch that fails is left to
    the single renders, which report the failing segment."""
    natives = [native_request(backbone, r) for r in requests if not is_morph(backbone, r)]
    if natives and hasattr(backbone, "render_batch"):
        try:
            backbone.render_batch(natives)
        except Exception as exc:  # noqa: BLE001 - each segment is rendered (and its error named) one by one next
            log.warning("A batch of %d segments failed (%s); rendering them one at a time.", len(natives), exc)


def batching_pays(backbone: Backbone) -> bool:
    """Whether padded batches are worth it for this backbone: one that can batch, on a GPU (`on_gpu`)."""
    return hasattr(backbone, "render_batch") and on_gpu(backbone)


def _by_backbone(pairs) -> list[tuple[Backbone, list[RenderRequest]]]:
    """(backbone, request) pairs grouped by backbone, in first-seen order: one batch cannot mix two models."""
    groups: dict[int, tuple[Backbone, list[RenderRequest]]] = {}
    for backbone, request in pairs:
        groups.setdefault(id(backbone), (backbone, []))[1].append(request)
    return list(groups.values())


def prefill_where_it_pays(voices: VoiceRegistry, requests: list[RenderRequest]) -> None:
    """The editor worker's batch hook: `prefill` per voice, for voices that are loaded and on a GPU."""
    pairs = ((voices.loaded(VoiceRef(r.backbone, r.model)), r) for r in requests)
    for backbone, group in _by_backbone((b, r) for b, r in pairs if b is not None and batching_pays(b)):
        if len(group) > 1:
            prefill(backbone, group)


def render_many(backbone: Backbone, requests: list[RenderRequest], batched: bool) -> list[RenderResult]:
    """Every request's render; with `batched`, a slice at a time is prefilled in batches first."""
    out: list[RenderResult] = []
    step = BATCH_SLICE if batched else max(1, len(requests))
    for start in range(0, len(requests), step):
        chunk = requests[start:start + step]
        if batched:
            prefill(backbone, chunk)
        out.extend(render_request(backbone, r) for r in chunk)
    return out


def prefill_segments(project: Project, segments: list[Segment], voices: VoiceRegistry) -> None:
    """`prefill` for segments of a project, grouped by their track's voice."""
    pairs = []
    for seg in segments:
        try:
            backbone = voices.backbone(project.track(seg.track_id).voice)
            pairs.append((backbone, request_for(project, seg, backbone)))
        except Exception:  # noqa: BLE001 - the single render of this segment reports it
            continue
    for backbone, requests in _by_backbone(pairs):
        prefill(backbone, requests)


BREAK_FADE_OUT_S = 0.02  # the release of the sound before a break, faded out inside it
BREAK_FADE_IN_S = 0.01


def silent_breaks(audio: np.ndarray, bounds, request: RenderRequest, rate: int) -> np.ndarray:
    """The audio with every pause the line sizes (an SSML break, a pause the user lengthened or shortened: a
    pause word whose duration scale is not 1) made silent between its boundaries, with short fades at its edges.
    Some voices fill a lengthened pause with voicing of their own (hibari measured 176 Hz at -34 dB through a
    0.4 s break); a break is silence whatever the voice."""
    out = None
    i = 0
    for w in request.words:
        n = len(w.phonemes)
        if not w.text and n and all(p.symbol == PAUSE for p in w.phonemes) and \
                any(p.duration_scale != 1.0 for p in w.phonemes) and i + n < len(bounds):
            a, b = int(bounds[i]), min(int(bounds[i + n]), len(audio))
            fade_out, fade_in = int(BREAK_FADE_OUT_S * rate), int(BREAK_FADE_IN_S * rate)
            if b - a > fade_out + fade_in:
                out = audio.copy() if out is None else out
                out[a:a + fade_out] *= np.linspace(1.0, 0.0, fade_out, dtype=out.dtype)
                out[a + fade_out:b - fade_in] = 0.0
                out[b - fade_in:b] *= np.linspace(0.0, 1.0, fade_in, dtype=out.dtype)
        i += n
    return audio if out is None else out


def render_request(backbone: Backbone, request: RenderRequest) -> RenderResult:
    result = _render_request(backbone, request)
    audio = silent_breaks(result.audio, result.boundaries, request, result.sample_rate)
    return result if audio is result.audio else replace(result, audio=audio)


def _render_request(backbone: Backbone, request: RenderRequest) -> RenderResult:
    caps = backbone.capabilities()
    specs = request.phonemes()
    preset = EmotionPreset(**dict(request.emotion_preset)) if request.emotion_preset else EmotionPreset()
    k = _phoneme_intensities(request)
    morphing = is_morph(backbone, request)
    pitch = [0.0 if caps.native_pitch else p.pitch_st for p in specs]
    energy = [(0.0 if caps.native_energy else p.energy_db) + preset.energy_db * ki for p, ki in zip(specs, k)]
    native = native_request(backbone, request)
    if caps.native_duration and not morphing:
        scales = [1.0] * len(specs)  # durations and the emotion's tempo are in `native`
    else:
        # A morph is made of plain renders of each voice, so every duration change is DSP time-scaling.
        scales = [p.duration_scale * t for p, t in zip(specs, _tempo(request, preset, k))]
    emotional = not preset.is_neutral and any(ki > 0 for ki in k)
    quality = preset.scaled(request.emotion_intensity) if emotional else EmotionPreset()
    # WORLD is needed for a morph, for time-scaling a voice without native durations, and for breath or whisper;
    # everything else keeps the voice's own waveform (PSOLA for pitch, a filter for tilt, a gain for level).
    vocode = morphing or any(s != 1.0 for s in scales) or quality.breathiness > 0 or quality.whisper > 0
    if not vocode:
        base = backbone.render(native)
        rate = base.sample_rate
        audio = psola.splice_pitch(base.audio, rate, base.boundaries, pitch)
        if emotional:
            hop = dsp.hop_for(rate)
            frames = dsp.to_frames(base.boundaries, hop, len(audio) // hop + 1)
            weights = dsp.smooth(dsp.per_frame(frames, k, len(audio) // hop + 1, default=request.emotion_intensity),
                                 hop, rate, dsp.SMOOTH_MS)
            audio = psola.reshape_pitch(audio, rate, preset.pitch_st, preset.range_factor, weights)
            audio = psola.tilt(audio, rate, quality.tilt_db_per_octave)
        audio = dsp.gain(audio, np.asarray(base.boundaries), energy, rate)
        return replace(base, audio=audio) if audio is not base.audio else base

    if morphing:
        world, frame_bounds, level = _morph_speakers(backbone, native)
        notes: tuple[str, ...] = ()
        sample_rate = world.sample_rate
    else:
        base = backbone.render(native)
        world = dsp.analyse(base.audio, base.sample_rate)
        frame_bounds = dsp.to_frames(base.boundaries, world.hop, world.frames)
        notes, sample_rate, level = base.notes, base.sample_rate, _rms(base.audio)
    world = dsp.shift_pitch(world, frame_bounds, pitch)
    if emotional:
        weights = dsp.per_frame(frame_bounds, k, world.frames, default=request.emotion_intensity)
        weights = dsp.smooth(weights, world.hop, sample_rate, dsp.SMOOTH_MS)
        world = dsp.reshape_pitch(world, preset.pitch_st, preset.range_factor, weights)
    world, frame_bounds = dsp.time_scale(world, frame_bounds, scales)
    if emotional:
        q = preset.scaled(request.emotion_intensity)
        world = dsp.voice_quality(world, q.breathiness, q.tilt_db_per_octave, q.whisper)
    audio = dsp.synthesize(world)
    # WORLD does not keep the level exactly (about 8 % louder on the embedded voice); restore the source's
    # loudness before the gain stage, so that only the asked-for dB changes it.
    if level > 0 and _rms(audio) > 0:
        audio = (audio * (level / _rms(audio))).astype(np.float32)
    sample_bounds = frame_bounds * world.hop
    audio = dsp.gain(audio, sample_bounds, energy, sample_rate)
    return RenderResult(audio=audio, sample_rate=sample_rate, boundaries=tuple(int(b) for b in sample_bounds),
                        notes=notes)
