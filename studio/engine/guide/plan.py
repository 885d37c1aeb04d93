"""A guide track: a real person's reading of a segment, copied onto the segment as ordinary edits.

The recording is aligned to the segment's words (engine/guide/alignment.py), each word's ARPAbet phones are matched to the
voice's IPA phonemes, and three things are copied, all as deltas from the voice's own prediction:
- duration: per phoneme where the word's phones map onto the voice's phonemes (one to one, or two phones onto one
  symbol such as AA R -> ɑːɹ); otherwise the word's recorded duration is spread over its phonemes in proportion
  to the voice's predicted durations. A pause of the voice between two words takes the recorded silence there.
- pitch: the recording's F0 per phoneme in semitones from the speaker's own median, minus the voice's predicted
  F0 in semitones from *its* median, so a low voice can guide a high one and the mix keeps its own register.
  Phonemes voiced in only one of them take the shift of their voiced neighbours (interpolated in time).
- energy: the recording's level per phoneme relative to its mean over the words, minus the voice's likewise,
  within ±ENERGY_LIMIT dB.
Everything is computed before anything is changed, and the result is one Macro: one undo step removes it all.

ARPAbet and espeak-ng IPA differ in a few places, handled by the tables below:
- stress digits are dropped (AH0 -> AH); IPA length marks and stress marks are ignored when comparing;
- one ARPAbet vowel has several espeak realisations (AH -> ʌ or ə; IH -> ɪ, ᵻ or i; ER -> ɜː or ɚ);
- espeak writes r-coloured vowels (ɑːɹ, ɔːɹ, ɛɹ, ɪɹ, ʊɹ) and syllabic consonants (əl, ən) as one phoneme where
  ARPAbet has two phones: those two phones' time goes to the one phoneme;
- espeak writes a flap (ɾ) or a glottal stop (ʔ) for T or D between vowels;
- diphthongs (eɪ, aɪ, ɔɪ, aʊ, oʊ) and affricates (tʃ, dʒ) are one unit on both sides.
A word whose phones cannot be matched this way (a different pronunciation, a number read aloud) is guided by
its word duration only, and its pitch and energy from proportional spans of the word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.core.commands import Macro, SetPhonemes
from studio.core.model import DURATION_SCALE_RANGE, Project, Segment

from studio.engine.guide.alignment import AlignedWord, Alignment, align

ENERGY_LIMIT = 9.0  # dB either way, per word
MIN_PAUSE_S = 0.01
# Within a word, how much of the phonemes' durations follows the recording's phones (the rest follows the voice's
# own proportions). PocketSphinx's phone boundaries are coarse (10 ms frames, at least 30 ms a phone): copied as
# they are (1.0), the neural voice guided by its own render rose from 40 % to 49 % WER on four sentences.
PHONE_SHARE = 0.5

ARPABET: dict[str, tuple[str, ...]] = {
    "AA": ("ɑ", "ɔ", "a"), "AE": ("æ", "a"), "AH": ("ʌ", "ə", "ɐ"), "AO": ("ɔ", "ɑ", "ɒ"), "AW": ("aʊ",),
    "AY": ("aɪ",), "EH": ("ɛ", "e"), "ER": ("ɜ", "ɚ", "ɝ", "ɜɹ", "əɹ"), "EY": ("eɪ",), "IH": ("ɪ", "ᵻ", "i", "ə"),
    "IY": ("i", "ɪ"), "OW": ("oʊ", "əʊ", "o"), "OY": ("ɔɪ",), "UH": ("ʊ", "u"), "UW": ("u", "ʊ"),
    "B": ("b",), "CH": ("tʃ", "ʧ"), "D": ("d", "ɾ"), "DH": ("ð",), "F": ("f",), "G": ("ɡ", "g"), "HH": ("h",),
    "JH": ("dʒ", "ʤ"), "K": ("k",), "L": ("l", "ɫ"), "M": ("m",), "N": ("n", "ɾ̃"), "NG": ("ŋ",), "P": ("p",),
    "R": ("ɹ", "r"), "S": ("s",), "SH": ("ʃ",), "T": ("t", "ɾ", "ʔ"), "TH": ("θ",), "V": ("v",), "W": ("w",),
    "Y": ("j",), "Z": ("z",), "ZH": ("ʒ",),
}
SYLLABIC = {"əl": ("AH", "L"), "ən": ("AH", "N"), "əm": ("AH", "M"), "l̩": ("AH", "L"), "n̩": ("AH", "N")}


def _norm(symbol: str) -> str:
    return "".join(ch for ch in symbol if ch not in "ːˈˌ̩")


def compatible(symbol: str, phones: tuple[str, ...]) -> bool:
    """Whether the voice's phoneme `symbol` is how espeak writes these one or two ARPAbet phones."""
    s = _norm(symbol)
    if len(phones) == 1:
        return s in ARPABET.get(phones[0], ())
    a, b = phones
    return any(s == x + y for x in ARPABET.get(a, ()) for y in ARPABET.get(b, ())) or \
        SYLLABIC.get(s) == phones


def match_phones(phones: list[str], symbols: list[str]) -> list[tuple[int, int]] | None:
    """For each of the voice's phonemes, the range of ARPAbet phones it covers (one or two), or None where the
    two spellings cannot be matched throughout."""
    n, m = len(phones), len(symbols)
    # reach[i][j]: the first i phones cover the first j symbols; back[i][j] is how many phones symbol j-1 took.
    back: dict[tuple[int, int], int] = {(0, 0): 0}
    for j in range(1, m + 1):
        for i in range(1, n + 1):
            for k in (1, 2):
                if i - k >= 0 and (i - k, j - 1) in back and compatible(symbols[j - 1], tuple(phones[i - k:i])):
                    back[(i, j)] = k
                    break
    if (n, m) not in back:
        return None
    out, i = [], n
    for j in range(m, 0, -1):
        k = back[(i, j)]
        out.append((i - k, i))
        i -= k
    return out[::-1]


def to_arpabet(symbols: list[str]) -> list[str] | None:
    """The voice's IPA phonemes of a word spelled in ARPAbet (for words the recogniser's dictionary lacks)."""
    out = []
    for sym in symbols:
        s = _norm(sym)
        if s in SYLLABIC:
            out.extend(SYLLABIC[s])
            continue
        single = [a for a, ipa in ARPABET.items() if s in ipa]
        if single:
            out.append(single[0])
            continue
        pair = next(((a, b) for a, xa in ARPABET.items() for b, xb in ARPABET.items()
                     if any(s == x + y for x in xa for y in xb)), None)
        if pair is None:
            return None
        out.extend(pair)
    return out


@dataclass(frozen=True)
class GuidePlan:
    """The edits a recording asks of one segment, one value per phoneme, and where each phoneme lies in the
    recording (None where the recording does not guide it: a pause at an edge)."""

    segment_id: str
    duration_scale: tuple[float, ...]
    pitch_st: tuple[float, ...]
    energy_db: tuple[float, ...]
    spans: tuple[tuple[float, float] | None, ...]
    modes: tuple[str, ...]  # per word: "phones", "word" (spread by duration) or "pause"
    words: tuple[AlignedWord, ...]

    def macro(self, text: str = "Guide from recording") -> Macro:
        n = range(len(self.duration_scale))
        return Macro([SetPhonemes(self.segment_id, n, "duration_scale", self.duration_scale),
                      SetPhonemes(self.segment_id, n, "pitch_st", self.pitch_st),
                      SetPhonemes(self.segment_id, n, "energy_db", self.energy_db)], text)


def spoken_words(segment: Segment) -> list[int]:
    return [i for i, w in enumerate(segment.words) if w.text and not w.is_pause and w.phonemes]


def plan_segment(segment: Segment, aligned: list[AlignedWord], audio: np.ndarray, sample_rate: int,
                 voice: list[tuple[float, float]] | None = None) -> GuidePlan:
    """The edits for `segment` from its words' alignment in the recording (`aligned`, one per spoken word).
    `voice` is (F0 Hz, level dB) per phoneme of the voice as it will speak (`voice_prosody`); by default the
    prediction stored on the phonemes, which is the unmixed voice's."""
    from studio.engine.voices.timing import Span
    from studio.engine.voices.prosody import measure_prosody

    spoken = spoken_words(segment)
    by_word = dict(zip(spoken, aligned))
    durations: list[float | None] = []
    spans: list[tuple[float, float] | None] = []
    modes = []
    for wi, word in enumerate(segment.words):
        symbols = [p.symbol for p in word.phonemes]
        if wi in by_word:
            a = by_word[wi]
            pred = np.array([max(p.duration, 1e-3) for p in word.phonemes])
            share = pred / pred.sum()
            groups = match_phones([p.arpabet for p in a.phones], symbols)
            if groups is not None:
                modes.append("phones")
                said = np.array([a.phones[hi - 1].end - a.phones[lo].start for lo, hi in groups])
                share = (1 - PHONE_SHARE) * share + PHONE_SHARE * said / max(said.sum(), 1e-6)
            else:
                modes.append("word")
            edges = a.start + (a.end - a.start) * np.concatenate([[0.0], np.cumsum(share)])
            edges[-1] = a.end
            spans.extend(zip(edges[:-1], edges[1:]))
            durations.extend(np.diff(edges))
        else:
            modes.append("pause")
            before = [by_word[i] for i in spoken if i < wi]
            after = [by_word[i] for i in spoken if i > wi]
            for _ in word.phonemes:
                if before and after:  # a pause inside the sentence takes the recorded silence there
                    s, e = before[-1].end, max(after[0].start, before[-1].end)
                    spans.append((s, e))
                    durations.append(max(e - s, MIN_PAUSE_S) / len(word.phonemes))
                else:
                    spans.append(None)
                    durations.append(None)
    phonemes = segment.phonemes()
    lo_s, hi_s = DURATION_SCALE_RANGE
    scales = [1.0 if d is None else float(np.clip(d / max(p.duration, 1e-4), lo_s, hi_s))
              for d, p in zip(durations, phonemes)]

    # Pitch and energy of the recording in each phoneme's span, measured as the voice's were (Praat, robust).
    n = len(phonemes)
    guided = [i for i in range(n) if spans[i] is not None and spans[i][1] > spans[i][0]]
    measured = measure_prosody(audio.astype(np.float64), sample_rate,
                               [Span(int(spans[i][0] * sample_rate), int(spans[i][1] * sample_rate))
                                for i in guided], robust=True)
    g_f0, g_db = np.zeros(n), np.full(n, np.nan)
    for i, (f0, db) in zip(guided, measured):
        g_f0[i], g_db[i] = f0, db
    voice = voice or [(p.pitch, p.energy) for p in phonemes]
    v_f0 = np.array([f for f, _ in voice])
    v_db = np.array([db if not p.is_pause else np.nan for (_, db), p in zip(voice, phonemes)])
    pitch = _pitch_shifts(g_f0, v_f0, scales, phonemes)
    energy = _word_levels(segment, g_db, v_db)
    return GuidePlan(segment.id, tuple(scales), tuple(round(float(v), 3) for v in pitch),
                     tuple(round(float(v), 3) for v in energy), tuple(spans), tuple(modes), tuple(aligned))


def _word_levels(segment: Segment, g_db: np.ndarray, v_db: np.ndarray) -> np.ndarray:
    """Each word's level relative to the sentence in the recording, minus the voice's likewise, given to all of
    its phonemes: per phoneme the spans are too coarse (a consonant's level is mostly its neighbour's edge)."""
    def power(db):
        return 10 ** (db / 10)

    n = len(g_db)
    words, i = [], 0
    for w in segment.words:
        idx = list(range(i, i + len(w.phonemes)))
        i += len(idx)
        if w.text and idx and not np.isnan(g_db[idx]).all() and not np.isnan(v_db[idx]).all():
            words.append(idx)
    energy = np.zeros(n)
    if len(words) < 2:
        return energy
    g = np.array([10 * np.log10(np.nanmean(power(g_db[idx]))) for idx in words])
    v = np.array([10 * np.log10(np.nanmean(power(v_db[idx]))) for idx in words])
    rel = np.clip((g - g.mean()) - (v - v.mean()), -ENERGY_LIMIT, ENERGY_LIMIT)
    for idx, value in zip(words, rel):
        energy[idx] = value
    return energy


def _pitch_shifts(g_f0: np.ndarray, v_f0: np.ndarray, scales: list[float], phonemes) -> np.ndarray:
    both = (g_f0 > 0) & (v_f0 > 0)
    if both.sum() < 2:
        return np.zeros(len(v_f0))
    g_st = 12 * np.log2(np.where(g_f0 > 0, g_f0, 1.0) / np.median(g_f0[g_f0 > 0]))
    v_st = 12 * np.log2(np.where(v_f0 > 0, v_f0, 1.0) / np.median(v_f0[v_f0 > 0]))
    shift = g_st - v_st
    # Phonemes voiced in only one of them take their voiced neighbours' shift, by time in the guided layout.
    ends = np.cumsum([p.duration * s for p, s in zip(phonemes, scales)])
    centres = ends - np.array([p.duration * s for p, s in zip(phonemes, scales)]) / 2
    out = np.interp(centres, centres[both], shift[both])
    from studio.core.model import PITCH_LIMIT_ST

    return np.clip(out, -PITCH_LIMIT_ST, PITCH_LIMIT_ST)


def voice_prosody(project: Project, segment: Segment, voices) -> list[tuple[float, float]]:
    """(F0 Hz, level dB) per phoneme of the segment as its voice or mix speaks it with no phoneme edits, measured
    on a render. A morph of a neural and embedded voices has an intonation of its own, not the neural voice's."""
    from dataclasses import replace

    from studio.engine.voices.backbone import request_for
    from studio.engine.voices.timing import Span
    from studio.engine.voices.prosody import measure_prosody
    from studio.engine.render.pipeline import render_request

    backbone = voices.backbone(project.track(segment.track_id).voice)
    request = request_for(project, segment, backbone)
    plain = replace(request, words=tuple(replace(w, phonemes=tuple(
        replace(p, duration_scale=1.0, pitch_st=0.0, energy_db=0.0) for p in w.phonemes)) for w in request.words))
    result = render_request(backbone, plain)
    b = result.boundaries
    return measure_prosody(result.audio, result.sample_rate, [Span(x, y) for x, y in zip(b, b[1:])], robust=True)


def plan_segments(segments: list[Segment], audio: np.ndarray, sample_rate: int,
                  voices_prosody: list[list[tuple[float, float]]] | None = None) -> list[GuidePlan]:
    """Plans for segments read one after another in one recording, aligned in one pass. Raises AlignmentError."""
    words, pronunciations = [], {}
    for seg in segments:
        for i in spoken_words(seg):
            w = seg.words[i]
            words.append(w.text)
            phones = to_arpabet([p.symbol for p in w.phonemes])
            if phones:
                pronunciations[w.text] = phones
    if not words:
        from studio.engine.errors import AlignmentError

        raise AlignmentError("The segment has no words to guide.")
    alignment: Alignment = align(audio, sample_rate, words, pronunciations)
    plans, k = [], 0
    for seg in segments:
        n = len(spoken_words(seg))
        voice = voices_prosody[len(plans)] if voices_prosody else None
        plans.append(plan_segment(seg, list(alignment.words[k:k + n]), audio, sample_rate, voice))
        k += n
    return plans


def guide_command(project: Project, segment_ids: list[str], audio: np.ndarray, sample_rate: int,
                  voices=None, refine: bool = True) -> Macro:
    """One undo step that copies the recording's timing, intonation and level onto the segments. With `voices`
    (a VoiceRegistry) the voice's own intonation is measured on a render of each segment's mix, and, with
    `refine`, the pitch edits are corrected once from a render of the guided segment (on a copy of the project:
    the document is not touched until the returned command is applied)."""
    return guide(project, segment_ids, audio, sample_rate, voices, refine)[0]


def guide(project: Project, segment_ids: list[str], audio: np.ndarray, sample_rate: int, voices=None,
          refine: bool = True) -> tuple[Macro, list[GuidePlan]]:
    """`guide_command` and the plans it was made from (where each phoneme lies in the recording)."""
    segments = [project.segment(s) for s in segment_ids]
    prosody = [voice_prosody(project, s, voices) for s in segments] if voices is not None else None
    plans = plan_segments(segments, audio, sample_rate, prosody)
    if voices is not None and refine:
        plans = [_refined(project, plan, audio, sample_rate, voices) for plan in plans]
    return Macro([c for p in plans for c in p.macro().commands], "Guide from recording"), plans


def _refined(project: Project, plan: GuidePlan, audio: np.ndarray, sample_rate: int, voices) -> GuidePlan:
    """The plan with each phoneme's pitch edit moved by what a render of the guided segment still misses: a
    morph's or PSOLA's result is not exactly the asked-for shift."""
    import copy
    from dataclasses import replace

    from studio.engine.voices.timing import Span
    from studio.engine.voices.prosody import measure_prosody
    from studio.engine.render.pipeline import render_segment

    trial = copy.deepcopy(project)
    plan.macro().redo(trial)
    result = render_segment(trial, trial.segment(plan.segment_id), voices)
    b = result.boundaries
    out = np.array([f for f, _ in measure_prosody(result.audio, result.sample_rate,
                                                  [Span(x, y) for x, y in zip(b, b[1:])], robust=True)])
    guided = [i for i, s in enumerate(plan.spans) if s is not None and s[1] > s[0]]
    g = np.zeros(len(out))
    for i, (f0, _) in zip(guided, measure_prosody(audio.astype(np.float64), sample_rate,
                                                  [Span(int(plan.spans[i][0] * sample_rate),
                                                        int(plan.spans[i][1] * sample_rate)) for i in guided],
                                                  robust=True)):
        g[i] = f0
    both = (g > 0) & (out > 0)
    if both.sum() < 3:
        return plan
    miss = 12 * np.log2(g[both] / np.median(g[both])) - 12 * np.log2(out[both] / np.median(out[both]))
    from studio.core.model import PITCH_LIMIT_ST

    pitch = np.array(plan.pitch_st)
    pitch[both] = np.clip(pitch[both] + miss, -PITCH_LIMIT_ST, PITCH_LIMIT_ST)
    return replace(plan, pitch_st=tuple(round(float(v), 3) for v in pitch))


def f0_correlation(guide: np.ndarray, guide_rate: int, guide_times: list[float], out: np.ndarray, out_rate: int,
                   out_times: list[float], period_ms: float = 10.0) -> tuple[float, int]:
    """(Pearson correlation of F0 in semitones, frames used) between a guide and an output over the frames voiced
    in both, after mapping output time onto guide time through matching boundaries (`out_times[i]` in the output
    is `guide_times[i]` in the guide; both increasing)."""
    from studio.engine.edits.pitch import track

    g, o = track(guide, guide_rate, period_ms), track(out, out_rate, period_ms)
    t_out = np.arange(len(o)) * period_ms / 1000
    inside = (t_out >= out_times[0]) & (t_out <= out_times[-1])
    t_guide = np.interp(t_out, out_times, guide_times)
    gi = np.clip(np.round(t_guide * 1000 / period_ms).astype(int), 0, len(g) - 1)
    gv, ov = g[gi], o
    m = inside & (gv > 0) & (ov > 0)
    if m.sum() < 5:
        return float("nan"), int(m.sum())
    a, b = 12 * np.log2(gv[m]), 12 * np.log2(ov[m])
    return float(np.corrcoef(a, b)[0, 1]), int(m.sum())


def anchors(plan: GuidePlan, boundaries: tuple[int, ...], out_rate: int) -> tuple[list[float], list[float]]:
    """Matching times (guide, output) at the start and end of every guided phoneme, for f0_correlation."""
    g, o = [], []
    for i, span in enumerate(plan.spans):
        if span is None:
            continue
        for gt, ot in ((span[0], boundaries[i] / out_rate), (span[1], boundaries[i + 1] / out_rate)):
            if not g or (gt >= g[-1] and ot >= o[-1]):
                g.append(gt)
                o.append(ot)
    return g, o
