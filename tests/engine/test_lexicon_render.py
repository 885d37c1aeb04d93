"""A pronunciation lexicon entry changes what the embedded voice says: the phonemes and the audio."""

import numpy as np

from studio.core.commands import SetLexiconEntry
from studio.core.history import History
from studio.core.model import LineControls
from studio.engine.voices.backbone import LexiconAnalyzer, request_for
from studio.engine.render.pipeline import render_segment
from studio.engine.voices.registry import EMBEDDED, VoiceRegistry
from studio.core.script import parse_script
from studio.production.importing import build_project


def test_a_lexicon_entry_changes_the_rendered_phonemes_and_audio():
    voices = VoiceRegistry()
    project = build_project(parse_script("Nobody saw Nguyen go."), voices, EMBEDDED)
    seg = project.segments[0]
    before = render_segment(project, seg, voices)
    h = History(project)
    for pron, expected in (("/ˈwɪn/", ["w", "ɪ", "n"]), ("win", ["w", "ɪ", "n"])):
        h.push(SetLexiconEntry("nguyen", pron))
        analyzer = LexiconAnalyzer(voices, lambda: project.lexicon)
        words = analyzer.analyze(seg.text, EMBEDDED, project.effective_mix(seg))
        word = next(w for w in words if w.text == "Nguyen")  # the user's spelling stays on the timeline
        assert [p.symbol for p in word.phonemes] == expected
        seg.words = words
        backbone = voices.backbone(EMBEDDED)
        assert "Nguyen" not in request_for(project, seg, backbone).text
        after = render_segment(project, seg, voices)
        assert len(after.boundaries) == len(seg.phonemes()) + 1
        assert len(after.audio) != len(before.audio) or not np.array_equal(after.audio, before.audio)


def test_line_speed_shortens_the_render_and_volume_raises_it():
    voices = VoiceRegistry()
    project = build_project(parse_script("The ship left at dawn."), voices, EMBEDDED)
    seg = project.segments[0]
    plain = render_segment(project, seg, voices)
    seg.controls = LineControls(speed=1.5, volume_db=6.0)
    fast = render_segment(project, seg, voices)
    spoken = lambda r: (r.boundaries[-1] - r.boundaries[0]) / r.sample_rate  # noqa: E731
    assert spoken(fast) < 0.75 * spoken(plain)
    rms = lambda r: float(np.sqrt(np.mean(r.audio ** 2)))  # noqa: E731
    assert rms(fast) > 1.5 * rms(plain)
