"""The embedded offline voice: espeak-ng with real phoneme timing, no download.

Timing comes from the phoneme and word events espeak-ng raises while it synthesizes (see espeak.py). A phoneme
spans from its event to the next one. A word event comes before the closure of a word-initial stop, while the
stop's phoneme event marks its burst, so the first phoneme of a word starts at the word event. Events with an
empty phoneme string are pauses. Predicted pitch and energy are measured on the synthesized audio (WORLD F0 and
RMS per phoneme), since espeak exposes no per-phoneme prosody.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Callable

import numpy as np

from studio.core.analysis import AnalysisError
from studio.core.model import PAUSE, Phoneme, SpeakerMix, VoiceRef, Word
from studio.core.words import word_tokens

from studio.engine.voices.prosody import measure_prosody
from studio.engine.voices.timing import Span, SpeakerRender
from studio.engine.voices.backbone import Backbone, Capabilities, RenderRequest, RenderResult, Speaker
from studio.engine.voices.embedded.espeak import EspeakProcess, EspeakUnavailable, Synthesis

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


# An espeak-ng voice name with an optional variant: "es", "de+f2", "cmn-latn-pinyin". The built-in SPEAKERS are
# English; a track in another language speaks with that language's espeak voice (see language_speaker).
_ESPEAK_VOICE = re.compile(r"[a-z]{2,3}(-[a-z0-9]+)*(\+[a-z0-9]+)?")
# Languages whose espeak-ng voice is not named by the bare language code.
ESPEAK_VOICE_FOR = {"zh": "cmn-latn-pinyin", "cmn": "cmn-latn-pinyin", "en": "en-us", "fr": "fr-fr",
                    "yue": "yue", "pt": "pt-br"}
_VARIANTS = ("", "+f2", "+m3", "+f3", "+m7", "+f4")


def language_speaker(language: str, index: int = 0) -> str:
    """The embedded speaker for the index-th track in `language` (a BCP 47 tag): English tracks cycle through
    SPEAKERS, other languages through variants of that language's espeak-ng voice."""
    lang = language.lower().split("-")[0] if language else "en"
    if lang == "en":
        return SPEAKERS[index % len(SPEAKERS)].id
    return ESPEAK_VOICE_FOR.get(lang, lang) + _VARIANTS[index % len(_VARIANTS)]


def dominant_speaker(mix: SpeakerMix) -> str:
    known = {s.id for s in SPEAKERS}
    candidates = [(w, name) for name, w in mix.weights if name in known or _ESPEAK_VOICE.fullmatch(name)]
    return max(candidates)[1] if candidates else DEFAULT_SPEAKER


def align(text: str, synth: Synthesis, count: Callable[[str], int] | None = None
          ) -> list[tuple[str, list[tuple[str, Span]]]]:
    """Words (with pauses as words of empty text) and the sample span of each phoneme, from espeak's events.

    Every word of the text (core.words) comes out exactly once, in order. espeak raises several word events inside
    one token ("1999" is spoken as four words), which merge; and it raises one event for a run of short words
    ("from the", "in a row", "did not"), whose phonemes are then shared out over those words in proportion to
    how many phonemes each has when spoken alone (`count`; by default its number of letters).
    """
    n = len(synth.audio)
    tokens = word_tokens(text)
    if not tokens:
        return []
    count = count or (lambda word: sum(c.isalnum() for c in word) or 1)
    anchor: dict[int, int] = {}
    for w in synth.words:
        ti = next((i for i, t in enumerate(tokens) if w.text_position < t.end), None)
        if ti is not None and ti not in anchor:
            anchor[ti] = w.sample
    # Groups of tokens that share one run of phonemes: a token opens a group when its word event comes after
    # the previous group's; a token without an event of its own joins the group before it.
    groups: list[tuple[int, list[int]]] = []
    for ti in range(len(tokens)):
        s = anchor.get(ti)
        if s is not None and (not groups or s > groups[-1][0]):
            groups.append((s, [ti]))
        elif groups:
            groups[-1][1].append(ti)
        else:  # words before espeak's first word event start with the first phoneme
            first = synth.phonemes[0].sample if synth.phonemes else 0
            groups.append((first, [ti]))
    runs = []
    for g, (start, members) in enumerate(groups):
        stop = groups[g + 1][0] if g + 1 < len(groups) else n
        marks = [(e.sample, e.ipa) for e in synth.phonemes if start <= e.sample < stop]
        runs.append([start, stop, members, marks])
    # A group espeak said nothing for (a symbol it skips) hands its words to its neighbour.
    k = 0
    while k < len(runs) and len(runs) > 1:
        if any(ipa for _, ipa in runs[k][3]):
            k += 1
            continue
        if k > 0:
            prev = runs[k - 1]
            prev[1], prev[2], prev[3] = runs[k][1], prev[2] + runs[k][2], prev[3] + runs[k][3]
        else:
            nxt = runs[1]
            nxt[0], nxt[2], nxt[3] = runs[0][0], runs[0][2] + nxt[2], runs[0][3] + nxt[3]
        del runs[k]
        k = max(k - 1, 0)
    out: list[tuple[str, list[tuple[str, Span]]]] = []
    for r, (start, stop, members, marks) in enumerate(runs):
        # Phoneme i runs to the next event of any kind; an empty event is a pause, kept inside the run only
        # when speech follows it (espeak pauses inside "example.com", say).
        marks = [m for j, m in enumerate(marks)
                 if m[1] or (any(x[1] for x in marks[:j]) and any(x[1] for x in marks[j + 1:]))]
        bounds = [m[0] for m in marks]
        trailing = next((e.sample for e in synth.phonemes
                         if not e.ipa and start <= e.sample < stop and e.sample > (bounds[-1] if bounds else -1)),
                        stop)
        phones: list[tuple[str, Span]] = []
        for j, (a, ipa) in enumerate(marks):
            b = bounds[j + 1] if j + 1 < len(bounds) else trailing
            if b > a:
                phones.append((ipa or PAUSE, Span(a, b)))
        if not any(sym != PAUSE for sym, _ in phones):
            phones = [("ə", Span(start, max(stop, start + 1)))]  # nothing said at all: one neutral vowel
        phones[0] = (phones[0][0], Span(start, phones[0][1].end))  # the word owns its stop closure
        words = _share(phones, [count(tokens[i].text) for i in members])
        for i, word_phones in zip(members, words):
            out.append((tokens[i].text, word_phones))
        end = words[-1][-1][1].end
        if r + 1 == len(runs):
            pass  # after the last word comes espeak's closing silence, which is no phoneme
        elif stop - end >= MIN_PAUSE_S * synth.sample_rate:
            out.append(("", [(PAUSE, Span(end, stop))]))
        elif stop > end:  # a short gap: give it to the word so spans stay contiguous
            last = out[-1][1]
            last[-1] = (last[-1][0], Span(last[-1][1].start, stop))
    return out


def _share(phones: list[tuple[str, Span]], counts: list[int]) -> list[list[tuple[str, Span]]]:
    """Split a run of phonemes over len(counts) words, each getting at least one spoken phoneme, in proportion
    to `counts`. Pauses stay with the word before them."""
    k = len(counts)
    if k == 1:
        return [phones]
    phones = list(phones)
    while sum(sym != PAUSE for sym, _ in phones) < k:  # too few phonemes: halve the longest spoken one
        j = max((i for i, (sym, _) in enumerate(phones) if sym != PAUSE),
                key=lambda i: phones[i][1].end - phones[i][1].start)
        sym, sp = phones[j]
        mid = (sp.start + sp.end) // 2
        if mid <= sp.start:
            mid = sp.start + 1  # one-sample spans; never reached for real speech
        phones[j:j + 1] = [(sym, Span(sp.start, mid)), (sym, Span(mid, max(sp.end, mid + 1)))]
    spoken = [i for i, (sym, _) in enumerate(phones) if sym != PAUSE]
    m, total = len(spoken), sum(max(c, 1) for c in counts)
    cuts, acc = [0], 0
    for w, c in enumerate(counts[:-1]):
        acc += max(c, 1)
        cut = int(round(m * acc / total))
        cuts.append(min(max(cut, cuts[-1] + 1), m - (k - 1 - w)))
    cuts.append(m)
    out = []
    for w in range(k):
        a = spoken[cuts[w]] if w else 0
        b = spoken[cuts[w + 1]] if w + 1 < k else len(phones)
        out.append(phones[a:b])
    return out


class EmbeddedVoice(Backbone):
    name = "embedded"
    version = "espeak-ng-1"

    def __init__(self) -> None:
        self._espeak: EspeakProcess | None = None
        self._lock = threading.Lock()
        self._synth_cache: OrderedDict[tuple[str, str], Synthesis] = OrderedDict()
        self._counts: dict[tuple[str, str], int] = {}

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
            notes="Formant synthesis; always available offline. Edits and mixes go through the WORLD DSP layer.",
            phoneme_input="espeak", any_language=True)

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

    def phoneme_count(self, word: str, speaker: str) -> int:
        """How many phonemes espeak says for `word` alone: the share of a run espeak spoke as one word."""
        key = (word, speaker)
        if key not in self._counts:
            synth = self.espeak.synthesize(word, speaker)
            self._counts[key] = max(1, sum(1 for p in synth.phonemes if p.ipa))
        return self._counts[key]

    def align(self, text: str, speaker: str) -> list[tuple[str, list[tuple[str, Span]]]]:
        return align(text, self.synthesize(text, speaker), lambda w: self.phoneme_count(w, speaker))

    def analyze(self, text: str, voice: VoiceRef = VoiceRef(), mix: SpeakerMix = SpeakerMix()) -> list[Word]:
        text = " ".join(text.split())
        if not text:
            raise AnalysisError("There is no text to speak; type some words first.")
        speaker = dominant_speaker(mix)
        synth = self.synthesize(text, speaker)
        aligned = self.align(text, speaker)
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
        text = " ".join(text.split())
        synth = self.synthesize(text, speaker)
        aligned = self.align(text, speaker)
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
