"""An import on a GPU analyses its lines in padded batches (VoiceRegistry.prepare): the same words, durations,
pitch and energy as one line at a time. Forced on here, on the CPU, where it is otherwise off."""

from collections import Counter

import pytest

from studio.core.analysis import prepare
from studio.core.model import SpeakerMix
from studio.engine.voices.registry import NEURAL, VoiceRegistry
from studio.production.inputs import Options, load
from tests.helpers import assert_same_analysis

TEXTS = ["Hi.", "Please remember to water the garden every morning.",
         "The small boat drifted slowly toward the harbour at dawn, and nobody on the quay saw it arrive.",
         "Her brother sold seven paintings last winter."]
FILES = {
    "script.txt": "ALICE: Hi.\nBOB: Please remember to water the garden every morning.\n"
                  "ALICE: The small boat drifted slowly toward the harbour at dawn.\nBOB: Hi.\n",
    "film.srt": "1\n00:00:01,000 --> 00:00:02,000\n[door slams]\n\n2\n00:00:02,500 --> 00:00:05,000\n"
                "ALICE: Her brother sold seven paintings last winter.\n\n3\n00:00:05,500 --> 00:00:07,000\n"
                "BOB: Hi.\n\n4\n00:00:07,500 --> 00:00:11,000\nALICE: Please remember to water the garden.\n",
    "lines.ssml": '<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">'
                  "<p><s>Hi.</s><s>Her brother sold <emphasis>seven</emphasis> paintings last winter.</s>"
                  '<s><prosody rate="slow">Please remember to water the garden.</prosody></s></p></speak>',
}


def _registry(neural, batch: bool | None) -> VoiceRegistry:
    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural  # the session's loaded voice, not a second one
    registry.batch_analysis = batch
    return registry


def test_prepared_lines_come_from_one_batch_with_the_same_analysis(neural, monkeypatch):
    texts = TEXTS + [TEXTS[1]]  # a line said twice is answered twice
    want = [neural.analyze(t, NEURAL, SpeakerMix()) for t in texts]
    batches = []
    real = type(neural).analyze_batch
    monkeypatch.setattr(type(neural), "analyze_batch",
                        lambda self, t, v, m: batches.append(len(t)) or real(self, t, v, m))
    registry = _registry(neural, True)
    prepare(registry, [(t, NEURAL, SpeakerMix()) for t in texts])

    def no_single(*_):
        raise AssertionError("a prepared line was analysed on its own")

    monkeypatch.setattr(type(neural), "analyze", no_single)
    got = [registry.analyze(t, NEURAL, SpeakerMix()) for t in texts]
    assert batches == [len(texts)]
    for g, w in zip(got, want):
        assert_same_analysis(g, w, within=0.05)  # pitch and energy measured on audio equal within 1e-4


def test_on_the_cpu_an_import_analyses_one_line_at_a_time(neural, monkeypatch):
    def no_batch(*_):
        raise AssertionError("batched on the CPU")

    monkeypatch.setattr(type(neural), "analyze_batch", no_batch)
    registry = _registry(neural, None)  # auto: batches only where the model runs on CUDA
    prepare(registry, [(t, NEURAL, SpeakerMix()) for t in TEXTS[:2]])
    assert registry.analyze(TEXTS[0], NEURAL, SpeakerMix())[0].text


@pytest.mark.parametrize("name", sorted(FILES))
def test_an_import_batched_or_not_makes_the_same_project(name, neural, tmp_path, monkeypatch):
    path = tmp_path / name
    path.write_text(FILES[name], encoding="utf-8")
    batches = []
    real = type(neural).analyze_batch
    monkeypatch.setattr(type(neural), "analyze_batch",
                        lambda self, t, v, m: batches.append(len(t)) or real(self, t, v, m))
    projects = []
    for batch in (False, True):
        options = Options(voice=NEURAL.model, remember=False)
        projects.append(load(path, options, _registry(neural, batch), []).project)
    plain, batched = projects
    # Lines batch per voice and mix; every line of the batched import that shares them came from a batch.
    lines = Counter((batched.track(s.track_id).voice, batched.track(s.track_id).mix) for s in batched.segments)
    assert sum(batches) == sum(n for n in lines.values() if n > 1) > 0
    assert [(t.name, t.voice, t.mix) for t in batched.tracks] == [(t.name, t.voice, t.mix) for t in plain.tracks]
    assert len(batched.segments) == len(plain.segments) >= 3
    for a, b in zip(batched.segments, plain.segments):
        assert (a.text, batched.track(a.track_id).name, a.start, a.slot) == \
               (b.text, plain.track(b.track_id).name, b.start, b.slot)
        assert_same_analysis(a.words, b.words, within=0.05)


def test_lines_with_a_lexicon_word_are_prepared_as_the_voice_will_read_them(neural, monkeypatch):
    """The editor analyses through the pronunciation lexicon: `prepare` must hand the voice the respelled text,
    or no prepared analysis would match and every line would be analysed again on its own."""
    from studio.engine.voices.backbone import LexiconAnalyzer

    texts = ["The Nguyen family arrived.", "Nguyen waved from the quay."]
    registry = _registry(neural, True)
    analyzer = LexiconAnalyzer(registry, lambda: {"Nguyen": "win"})
    prepare(analyzer, [(t, NEURAL, SpeakerMix()) for t in texts])

    def no_single(*_):
        raise AssertionError("a prepared line was analysed on its own")

    monkeypatch.setattr(type(neural), "analyze", no_single)
    words = [analyzer.analyze(t, NEURAL, SpeakerMix()) for t in texts]
    assert [w.text for w in words[1]][0] == "Nguyen"  # the user's spelling back on the word
