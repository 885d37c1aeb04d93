"""A deterministic analyzer for core tests: real voices are tested in tests/engine."""

from studio.core.model import PAUSE, Phoneme, SpeakerMix, VoiceRef, Word


class FakeAnalyzer:
    """One phoneme per letter, 80 ms each, pitch rising with the letter; commas give a pause word."""

    def __init__(self):
        self.calls = 0

    def analyze(self, text: str, voice: VoiceRef = VoiceRef(), mix: SpeakerMix = SpeakerMix()) -> list[Word]:
        self.calls += 1
        words = []
        for token in text.split():
            letters = [c for c in token.lower() if c.isalpha()]
            if letters:
                words.append(Word(token.strip(",.!?"), [Phoneme(c, 0.08, 100.0 + ord(c) - 97, -20.0) for c in letters]))
            if token.endswith(","):
                words.append(Word("", [Phoneme(PAUSE, 0.2)]))
        return words


def make_request(backbone, text, words, mix=(), seed=0, edits=None, options=()):
    """A render request for `words` (core Words) with per-phoneme `edits` ({index: {field: value}})."""
    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec

    edits = edits or {}
    specs, i = [], 0
    for w in words:
        ph = []
        for p in w.phonemes:
            ph.append(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy, **edits.get(i, {})))
            i += 1
        specs.append(WordSpec(w.text, tuple(ph)))
    return RenderRequest("coqui", "tiny", backbone.version, text, tuple(specs), tuple(mix), seed=seed,
                         options=tuple(options))


def assert_same_analysis(got: list[Word], want: list[Word], within: float) -> None:
    """Two analyses of a line agree: the same words with the same phonemes and durations, and pitch and energy
    (measured or predicted on outputs equal to float precision, then rounded to 0.01) within `within`."""
    assert [(w.text, len(w.phonemes)) for w in got] == [(w.text, len(w.phonemes)) for w in want]
    for a, b in zip([p for w in got for p in w.phonemes], [p for w in want for p in w.phonemes], strict=True):
        assert (a.symbol, a.duration) == (b.symbol, b.duration)
        assert abs(a.pitch - b.pitch) <= within and abs(a.energy - b.energy) <= within
