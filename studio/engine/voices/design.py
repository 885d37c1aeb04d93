"""Designed voices as a backbone: the base voice renders, then the design is one more DSP stage.

The stage is a WORLD round trip with Praat's F0 (DIO jumps octaves on the neural voice): the spectral envelope
is warped along frequency (timbre), F0 is scaled (pitch), aperiodicity is raised (breath), and the result is
resynthesized at the base render's loudness. Frames are not moved, so phoneme boundaries stay where the base
voice put them, and a design of joe says everything with joe's phonemes and timing.

An edit re-runs the stage only on a window around what it changed in the base render (the changed stretch plus
CONTEXT_S of context each side, spliced into the line's previous designed render), so an edit on a designed
voice costs about what it costs on its base, and the rest of the line keeps its samples.

Caching: the base render is looked up by the base request's own key (so changing only the timbre re-runs only
this stage), and the designed render by the design request's key, whose model version carries the design's
controls (so the key changes with them). WORLD analyses of the same audio are cached by dsp.analyse.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from studio.core.design import Design
from studio.core.model import SpeakerMix, VoiceRef, Word

from studio.engine.edits import dsp
from studio.engine.voices.backbone import Backbone, Capabilities, RenderRequest, RenderResult, Speaker
from studio.engine.voices.guests import Guests, Source

CACHE_SIZE = 32
CONTEXT_S = 0.2  # base audio analysed each side of a changed stretch: WORLD's and Praat's windows settle in it
FADE_S = 0.01
WINDOW_SHARE = 0.9  # a window wider than this share of the line is no cheaper than the whole line
_base_renders: OrderedDict[str, RenderResult] = OrderedDict()
_designed: OrderedDict[str, RenderResult] = OrderedDict()
_staged: OrderedDict[str, "Staged"] = OrderedDict()  # the latest designed render of each line, by line
_lock = threading.Lock()


def _lru_get(cache: OrderedDict, key: str):
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    return None


def _lru_put(cache: OrderedDict, key: str, value) -> None:
    with _lock:
        cache[key] = value
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)


def warp_envelope(sp: np.ndarray, factor: float) -> np.ndarray:
    """The spectral envelope with every frequency moved by `factor` (bin k takes the power at k / factor):
    >1 raises the formants, as a shorter vocal tract does. Above the source's top the last bin is held."""
    if factor == 1.0:
        return sp
    bins = np.arange(sp.shape[1], dtype=np.float64)
    src = np.minimum(bins / factor, sp.shape[1] - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, sp.shape[1] - 1)
    frac = (src - lo)[None, :]
    # Interpolate in the log domain: formant peaks keep their shape instead of being smeared by a linear blend.
    log_sp = np.log(np.maximum(sp, 1e-16))
    return np.exp(log_sp[:, lo] * (1 - frac) + log_sp[:, hi] * frac)


def apply_world(world: dsp.World, design: Design) -> dsp.World:
    sp = warp_envelope(world.sp, design.timbre)
    f0 = np.where(world.f0 > 0, world.f0 * design.pitch, 0.0)
    ap = world.ap
    if design.breath:
        ap = ap + (1.0 - ap) * design.breath * 0.6  # as dsp.voice_quality's breathiness
    return replace(world, f0=f0, sp=sp, ap=ap)


def _plain(design: Design) -> bool:
    return design.timbre == 1.0 and design.pitch == 1.0 and design.breath == 0.0


def _raw(audio: np.ndarray, sample_rate: int, design: Design, f0: np.ndarray | None = None) -> np.ndarray:
    """The WORLD round trip with the design's changes, before the level is matched; `f0` (per frame) when the
    pitch was tracked on more than `audio` (a window is tracked as part of its line: Praat's voicing threshold
    is relative to the loudest sample of what it is given)."""
    if f0 is None:
        world = dsp.analyse(audio, sample_rate)
    else:
        import pyworld

        x = np.ascontiguousarray(audio, dtype=np.float64)
        hop = dsp.hop_for(sample_rate)
        t = np.arange(len(f0)) * hop / sample_rate
        world = dsp.World(f0, pyworld.cheaptrick(x, f0, t, sample_rate), pyworld.d4c(x, f0, t, sample_rate),
                          sample_rate, hop)
    world = apply_world(world, design)
    out = dsp.synthesize(world)
    return np.pad(out, (0, max(0, len(audio) - len(out))))[: len(audio)]


def _stage(audio: np.ndarray, sample_rate: int, design: Design) -> tuple[np.ndarray, float]:
    """(the designed audio, the gain that gave it the base render's loudness)."""
    out = _raw(audio, sample_rate, design)
    level, now = _rms(audio), _rms(out)
    gain = level / now if level > 0 and now > 0 else 1.0
    return np.clip(out * gain, -1.0, 1.0).astype(np.float32), gain


def apply(audio: np.ndarray, sample_rate: int, design: Design) -> np.ndarray:
    """`audio` spoken by the designed voice: the same length, so every phoneme boundary stays put."""
    if _plain(design):
        return audio
    return _stage(audio, sample_rate, design)[0]


@dataclass(frozen=True)
class Staged:
    """A line's base render and its designed render: what a later render of the same line is spliced into."""
    base: np.ndarray
    designed: np.ndarray
    gain: float


def apply_window(before: Staged, audio: np.ndarray, sample_rate: int, design: Design) -> np.ndarray | None:
    """`audio` (a new base render of the line `before` was made from) through the stage, by running it only on
    the stretch that changed plus CONTEXT_S each side and splicing that into `before.designed`: outside the
    change and half the context, every sample is the earlier designed render's. None when the change is so
    wide that the whole line costs about as much.

    The stretch is found by comparing samples: a base voice that renders edits in a window (engine/voices
    capabilities: windowed_render) keeps every sample outside it, and a lengthened word shifts the rest of the
    line, which is then matched from the end."""
    old, n = before.base, len(audio)
    k = min(len(old), n)
    head = np.flatnonzero(old[:k] != audio[:k])
    p = int(head[0]) if len(head) else k
    tail = np.flatnonzero(old[::-1][:k] != audio[::-1][:k])
    q = min(int(tail[0]) if len(tail) else k, k - p)  # samples equal at the end, not overlapping the head
    if p == k and len(old) == n:
        return before.designed
    ctx, fade = int(CONTEXT_S * sample_rate), int(FADE_S * sample_rate)
    hop = dsp.hop_for(sample_rate)
    a, b = max(0, p - ctx) // hop * hop, min(n, n - q + ctx)  # the window starts on a frame of the line
    if b - a > WINDOW_SHARE * n:
        return None
    # F0 is tracked on the whole line (Praat is cheap; WORLD's envelope and aperiodicity are not) and cut to the
    # window's frames; the level is the whole line's gain, not the window's own.
    f0_line, _ = dsp.track_f0(audio, sample_rate)
    frames = len(audio[a:b]) // hop + 1
    f0 = np.pad(f0_line[a // hop:a // hop + frames], (0, max(0, frames - len(f0_line[a // hop:]))))
    piece = np.clip(_raw(audio[a:b], sample_rate, design, f0) * before.gain, -1.0, 1.0)
    out = np.empty(n, dtype=np.float32)
    shift = len(old) - n  # where the unchanged end of the line sits in the earlier render
    out[:a] = before.designed[:a]
    out[b:] = before.designed[b + shift:]
    # Join inside the context, half of it from each edge, where the window's analysis has settled.
    length, j = b - a, ctx // 2
    w, earlier = np.ones(length), np.zeros(length)
    if a > 0:
        jl = p - j - a  # half the context before the change, wherever the frame grid put the window's start
        w[:jl] = 0.0
        w[jl:jl + fade] = np.linspace(0.0, 1.0, fade)
        earlier[:jl + fade] = before.designed[a:a + jl + fade]
    if b < n:
        w[length - j:] = 0.0
        w[length - j - fade:length - j] = np.linspace(1.0, 0.0, fade)
        earlier[length - j - fade:] = before.designed[b - j - fade + shift:b + shift]
    mid = w * piece + (1.0 - w) * earlier
    out[a:b] = mid
    return out


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


class DesignBackbone(Backbone):
    """A designed voice over its base voice's backbone. Its first speaker is the design itself, then the base
    voice's own speakers; the other voices of the cast and library and the embedded voices are guests
    (engine/voices/guests.py), morphed in by the DSP layer."""

    name = "design"

    def __init__(self, design: Design, base: Backbone, base_ref: VoiceRef, source: Source | None = None,
                 others: Callable[[], list[str]] | None = None):
        self.design, self.base, self.base_ref = design, base, base_ref
        self.spec = design.name or design.spec  # VoiceRef.model of this voice
        self.version = f"{base.version}|design:{design.spec}"
        self.guests = Guests(self, base.capabilities().sample_rate)
        if source is not None:
            self.guests.source = source
        if others is not None:
            self.guests.names = others

    def _base_speakers(self) -> list[str]:
        """The base voice's own speakers (a one-voice model: one, named after it)."""
        own = getattr(self.base, "own_speakers", None)
        if own is not None:
            return list(own())
        speakers = self.base.capabilities().speakers
        return [speakers[0].id] if speakers else [self.design.base]

    def own_speakers(self) -> list[str]:
        return [self.spec] + self._base_speakers()

    def _base_speaker(self) -> str:
        return self._base_speakers()[0]

    def capabilities(self) -> Capabilities:
        caps = self.base.capabilities()
        labels = {s.id: s for s in caps.speakers}
        own = Speaker(self.spec, f"{self.design.label} (designed from {self.design.base})")
        base = [labels.get(n, Speaker(n, n)) for n in self._base_speakers()]
        return replace(caps, speakers=(own, *base, *self.guests.speakers()), can_mix=False,
                       notes=f"Designed from {self.design.base}: timbre x{self.design.timbre:g}, pitch "
                             f"x{self.design.pitch:g}, breath {self.design.breath:g}. " + caps.notes,
                       license=f"{caps.license} (derived from {self.design.base})",
                       # not passed on from the base: a design takes respellings only, renders whole and speaks
                       # the base's own language, as it always has
                       phoneme_input=None, windowed_render=False, any_language=False)

    def _base_mix(self, mix) -> SpeakerMix:
        """The mix with this design's own weight handed to the base voice's first speaker."""
        weights = {}
        for n, w in mix:
            key = self._base_speaker() if n == self.spec else n
            weights[key] = weights.get(key, 0.0) + w
        return SpeakerMix.of(weights) if weights else SpeakerMix.single(self._base_speaker())

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        return self._scaled(self.base.analyze(text, self.base_ref,
                                              self._base_mix(mix.weights or ((self.spec, 1.0),))))

    def _scaled(self, words: list[Word]) -> list[Word]:
        """The base voice's analysis with this design's pitch: its predictions are what the design says."""
        for w in words:
            for p in w.phonemes:
                p.pitch = round(p.pitch * self.design.pitch, 2)
        return words

    @property
    def device(self) -> str:
        """Where the base voice's model runs: a design batches its analyses where its base does."""
        return str(getattr(self.base, "device", "cpu"))

    def analyze_batch(self, texts: list[str], voice: VoiceRef, mix: SpeakerMix) -> list[list[Word]]:
        if not hasattr(self.base, "analyze_batch"):
            return [self.analyze(t, voice, mix) for t in texts]
        base_mix = self._base_mix(mix.weights or ((self.spec, 1.0),))
        return [self._scaled(words) for words in self.base.analyze_batch(texts, self.base_ref, base_mix)]

    def base_request(self, request: RenderRequest) -> RenderRequest:
        return replace(request, backbone=self.base_ref.backbone, model=self.base_ref.model,
                       model_version=self.base.version, mix=self._base_mix(request.mix).weights,
                       sample_rate=self.base.capabilities().sample_rate)

    def render(self, request: RenderRequest) -> RenderResult:
        key = request.key()
        hit = _lru_get(_designed, key)
        if hit is not None:
            return hit
        inner = self.base_request(request)
        base = _lru_get(_base_renders, inner.key())
        if base is None:
            base = self.base.render(inner)
            _lru_put(_base_renders, inner.key(), base)
        result = replace(base, audio=self._designed_audio(request, base))
        _lru_put(_designed, key, result)
        return result

    def _designed_audio(self, request: RenderRequest, base: RenderResult) -> np.ndarray:
        """The stage on `base`; when this line was designed before, only around what changed (apply_window)."""
        if _plain(self.design):
            return base.audio
        line = "|".join([self.version, request.text, repr(request.mix), str(request.seed), repr(request.options)])
        before = _lru_get(_staged, line)
        audio = apply_window(before, base.audio, base.sample_rate, self.design) if before is not None else None
        if audio is None:
            audio, gain = _stage(base.audio, base.sample_rate, self.design)
        else:
            gain = before.gain
        _lru_put(_staged, line, Staged(base.audio, audio, gain))
        return audio

    # --- mixing: every member is rendered plainly and morphed by render.py ----------------------------------

    def needs_morph(self, mix) -> bool:
        return any(n != self.spec for n, w in mix if w > 0)

    def mix_options(self, mix) -> tuple[tuple[str, str], ...]:
        return self.guests.options(mix)

    def timing_speaker(self, mix) -> str:
        return self.spec  # the segment's phonemes are the base voice's, and so this design's

    def render_speaker(self, text: str, speaker: str):
        from studio.engine.voices.timing import SpeakerRender

        if speaker == self.spec:
            r = self.base.render_speaker(text, self._base_speaker())
            return SpeakerRender(apply(r.audio, r.sample_rate, self.design), r.sample_rate, r.boundaries,
                                 r.word_starts)
        if speaker in self._base_speakers():
            return self.base.render_speaker(text, speaker)
        return self.guests.render(text, speaker)
