"""The embedded offline voice: espeak-ng with real phoneme timing, no download.

Timing comes from the phoneme and word events espeak-ng raises while it synthesizes (see espeak.py). A phoneme
spans from its event to the next one. A word event comes before the closure of a word-initial stop, while the
stop's phoneme event marks its burst, so the first phoneme of a word starts at the word event. Events with an
empty phoneme string are pauses. Predicted pitch and energy are measured on the synthesized audio (WORLD F0 and
RMS per phoneme), since espeak exposes no per-phoneme prosody.
"""

from __future__ import annotations

import re
import string
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from studio.core.analysis import AnalysisError
from studio.core.model import PAUSE, Phoneme, SpeakerMix, VoiceRef, Word

from .backbone import Backbone, Capabilities, RenderRequest, RenderResult, Speaker
from .espeak import EspeakProcess, EspeakUnavailable, Synthesis

_PUNCTUATION = string.punctuation + "“”‘’«»¿¡…—–"
MIN_PAUSE_S = 0.02  # shorter silences between words are part of the word, not a pause of their own

# Built-in speakers: espeak-ng voices and variants that sound clearly apart.
SPEAKERS = (
    Speaker("en-us", "US English, male"),
    Speaker("en-us+f2", "US English, female"),
    Speaker("en", "British English, male"),
    Speaker("en+f3", "British English, female"),
    Speaker("en-us+m3", "US English, male 2"),
    Speaker("en-gb-scotland+m7", "Scottish English, male"),
)
DEFAULT_SPEAKER = SPEAKERS[0].id


@dataclass(frozen=True)
class Span:
    start: int  # samples
    end: int


@dataclass(frozen=True)
class SpeakerRender:
    audio: np.ndarray
    sample_rate: int
    boundaries: tuple[int, ...]
    word_starts: tuple[int, ...]  # phoneme index at which each (non-pause) word starts


def dominant_speaker(mix: SpeakerMix) -> str:
    known = {s.id for s in SPEAKERS}
    candidates = [(w, name) for name, w in mix.weights if name in known]
    return max(candidates)[1] if candidates else DEFAULT_SPEAKER


def align(text: str, synth: Synthesis) -> list[tuple[str, list[tuple[str, Span]]]]:
    """Words (with pauses as words of empty text) and the sample span of each phoneme, from espeak's events."""
    n = len(synth.audio)
    # espeak raises several word events inside one written token ("1999" is spoken as four words); the token,
    # found by whitespace in the input, is the unit the user sees, so events inside one token merge.
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts: list = []
    token_of: list[int] = []
    for w in synth.words:
        tok = next((i for i, (a, b) in enumerate(tokens) if a <= w.text_position < b), -1)
        if starts and (tok == token_of[-1] or w.text_position == starts[-1].text_position):
            continue
        starts.append(w)
        token_of.append(tok)
    events = list(synth.phonemes)
    out: list[tuple[str, list[tuple[str, Span]]]] = []
    for k, w in enumerate(starts):
        w_end = starts[k + 1].sample if k + 1 < len(starts) else n
        inside = [e for e in events if w.sample <= e.sample < w_end]
        # Phoneme i runs to the next event of any kind; an empty event is a pause, kept inside the word only
        # when speech follows it within the word (espeak pauses inside "example.com", say).
        marks = [(e.sample, e.ipa) for e in inside]
        marks = [m for j, m in enumerate(marks)
                 if m[1] or (any(x[1] for x in marks[:j]) and any(x[1] for x in marks[j + 1:]))]
        phones: list[tuple[str, Span]] = []
        bounds = [m[0] for m in marks]
        trailing = next((e.sample for e in inside if not e.ipa and e.sample > (bounds[-1] if bounds else -1)),
                        w_end)
        for j, (start, ipa) in enumerate(marks):
            stop = bounds[j + 1] if j + 1 < len(bounds) else trailing
            if stop <= start:
                continue
            phones.append((ipa or PAUSE, Span(start, stop)))
        if not phones or all(sym == PAUSE for sym, _ in phones):
            continue
        phones[0] = (phones[0][0], Span(w.sample, phones[0][1].end))  # the word owns its stop closure
        end = phones[-1][1].end
        out.append((_word_text(text, tokens[token_of[k]] if token_of[k] >= 0 else None, w), phones))
        if k + 1 == len(starts):
            pass  # after the last word comes espeak's closing silence, which is no phoneme
        elif w_end - end >= MIN_PAUSE_S * synth.sample_rate:
            out.append(("", [(PAUSE, Span(end, w_end))]))
        elif w_end > end:  # a short gap: give it to the word so spans stay contiguous
            phones[-1] = (phones[-1][0], Span(phones[-1][1].start, w_end))
    return out


def _word_text(text: str, token: tuple[int, int] | None, w) -> str:
    raw = text[token[0]:token[1]] if token else text[w.text_position:w.text_position + w.length]
    return raw.strip(_PUNCTUATION) or raw.strip()


def measure_prosody(audio: np.ndarray, sample_rate: int, spans: list[Span],
                    robust: bool = False) -> list[tuple[float, float]]:
    """(median F0 in Hz or 0 if unvoiced, RMS in dBFS) for each span, measured with WORLD's DIO + StoneMask, or
    with Praat in the voice's own range where `robust` (neural voices, on which DIO makes octave errors)."""
    import pyworld  # imported here: the module loads only when a voice first analyses

    x = audio.astype(np.float64)
    if len(x) == 0:
        return [(0.0, -120.0) for _ in spans]
    if robust:
        from .psola import track

        period_ms = 5.0
        f0 = track(x, sample_rate, period_ms)
    else:
        period_ms = 5.0
        f0, t = pyworld.dio(x, sample_rate, frame_period=period_ms, f0_floor=60.0, f0_ceil=600.0)
        f0 = pyworld.stonemask(x, f0, t, sample_rate)
    out = []
    for s in spans:
        a, b = s.start, max(s.end, s.start + 1)
        frames = f0[int(a / sample_rate * 1000 / period_ms):int(np.ceil(b / sample_rate * 1000 / period_ms))]
        voiced = frames[frames > 0]
        pitch = float(np.median(voiced)) if len(voiced) >= 2 else 0.0
        seg = x[a:b]
        rms = float(np.sqrt(np.mean(seg ** 2))) if len(seg) else 0.0
        out.append((pitch, float(20 * np.log10(max(rms, 1e-6)))))
    return out


class EmbeddedVoice(Backbone):
    name = "embedded"
    version = "espeak-ng-1"

    def __init__(self) -> None:
        self._espeak: EspeakProcess | None = None
        self._lock = threading.Lock()
        self._synth_cache: OrderedDict[tuple[str, str], Synthesis] = OrderedDict()

    @property
    def espeak(self) -> EspeakProcess:
        if self._espeak is None:
            try:
                self._espeak = EspeakProcess.get()
            except EspeakUnavailable as exc:
                raise AnalysisError(str(exc)) from None
        return self._espeak

    def capabilities(self) -> Capabilities:
        return Capabilities(
            native_pitch=False, native_energy=False, native_duration=False, speakers=SPEAKERS, can_mix=False,
            emotion="dsp", sample_rate=22050, license="GPL-3.0-or-later (espeak-ng)", commercial_use=True,
            notes="Formant synthesis; always available offline. Edits and mixes go through the WORLD DSP layer.")

    def synthesize(self, text: str, speaker: str) -> Synthesis:
        """espeak's plain rendering of `text`, memoised: analysis and render of one text share one synthesis."""
        key = (text, speaker)
        with self._lock:
            hit = self._synth_cache.get(key)
            if hit is not None:
                self._synth_cache.move_to_end(key)
                return hit
        synth = self.espeak.synthesize(text, speaker)
        with self._lock:
            self._synth_cache[key] = synth
            while len(self._synth_cache) > 64:
                self._synth_cache.popitem(last=False)
        return synth

    def analyze(self, text: str, voice: VoiceRef = VoiceRef(), mix: SpeakerMix = SpeakerMix()) -> list[Word]:
        text = " ".join(text.split())
        if not text:
            raise AnalysisError("There is no text to speak; type some words first.")
        synth = self.synthesize(text, dominant_speaker(mix))
        aligned = align(text, synth)
        if not aligned:
            raise AnalysisError("The embedded voice found nothing it can pronounce in this text.")
        spans = [span for _, phones in aligned for _, span in phones]
        audio = synth.audio.astype(np.float32) / 32768.0
        prosody = iter(measure_prosody(audio, synth.sample_rate, spans))
        sr = synth.sample_rate
        words = []
        for word_text, phones in aligned:
            phonemes = []
            for symbol, span in phones:
                pitch, energy = next(prosody)
                phonemes.append(Phoneme(symbol=symbol, duration=(span.end - span.start) / sr,
                                        pitch=0.0 if symbol == PAUSE else round(pitch, 2), energy=round(energy, 2)))
            words.append(Word(text=word_text, phonemes=phonemes))
        return words

    def render_speaker(self, text: str, speaker: str) -> "SpeakerRender":
        """One speaker's plain rendering with phoneme boundaries and where each word starts; the DSP layer
        morphs several of these into a mix."""
        synth = self.synthesize(" ".join(text.split()), speaker)
        aligned = align(text, synth)
        spans, word_starts = [], []
        for word, phones in aligned:
            if word:
                word_starts.append(len(spans))
            spans.extend(span for _, span in phones)
        return SpeakerRender(synth.audio.astype(np.float32) / 32768.0, synth.sample_rate,
                             tuple(s.start for s in spans) + (spans[-1].end,), tuple(word_starts))

    def render(self, request: RenderRequest) -> RenderResult:
        """espeak's rendering of the text with the boundaries of its own phoneme events.

        espeak has no per-phoneme controls, so edits, emotion and mixes are applied afterwards by the DSP layer
        (engine.render); this is the unedited voice of the mix's dominant speaker.
        """
        plain = self.render_speaker(request.text, dominant_speaker(SpeakerMix(request.mix)))
        if len(plain.boundaries) != len(request.phonemes()) + 1:
            raise ValueError("This segment's phonemes no longer match the voice; re-analyse the segment.")
        return RenderResult(audio=plain.audio, sample_rate=plain.sample_rate, boundaries=plain.boundaries)
