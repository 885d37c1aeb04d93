"""Build the demo project: the lighthouse script, with a few edits so every timeline lane shows something.

    python scripts/make_demo.py [OUT]   (default assets/demo/demo.studio.json)

The narrator speaks with Joe, Mara with Hibari, and Tobias with the cast's designed voice Theo blended with a
little of Mara's (so the mix lane and the mixer show a blend): three characters, three neural-quality voices.
Run it again after a change to the project format or the voices.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from studio.core.commands import SetPhonemes, set_emotion, set_track_mix
    from studio.core.history import History
    from studio.core.model import Emotion, SpeakerMix
    from studio.core.project_io import save
    from studio.production.importing import build_project
    from studio.core.model import VoiceRef
    from studio.engine.voices.registry import HIBARI, NEURAL, VoiceRegistry
    from studio.interchange.text_script import read_script

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "assets" / "demo" / "demo.studio.json"
    script = ROOT / "assets" / "demo" / "lighthouse.txt"
    registry = VoiceRegistry()
    project = build_project(read_script(script), registry, NEURAL, speakers=[NEURAL.model], title="The lighthouse")
    mara = project.track_named("MARA")
    mara.voice, mara.mix = HIBARI, SpeakerMix.single(HIBARI.model)
    tobias = project.track_named("TOBIAS")
    tobias.voice, tobias.mix = VoiceRef("design", "Theo"), SpeakerMix.single("Theo")
    for track in (mara, tobias):
        for seg in project.segments_of(track.id):
            seg.words = registry.analyze(seg.text, track.voice, track.mix)
    history = History(project)
    segs = project.segments
    by_text = {s.text: s for s in segs}
    history.push(set_track_mix(tobias.id, SpeakerMix.of({"Theo": 0.75, "Mara": 0.25})))
    history.push(set_emotion(by_text["Do you hear that?"].id, Emotion("fearful", 0.8)))
    history.push(set_emotion(by_text["It is only the wind, Mara."].id, Emotion("calm", 1.0)))
    history.push(set_emotion(by_text["No."].id, Emotion("angry", 1.2)))
    history.push(set_emotion(by_text["Far below, a light blinked twice and then went dark."].id, Emotion("sad", 0.7)))
    # "horn" rises and is stretched, as an editor would stress it.
    seg = by_text["No. That was a horn, and it is getting closer."] if "No. That was a horn, and it is getting closer." \
        in by_text else by_text["That was a horn, and it is getting closer."]
    start = 0
    for word in seg.words:
        if word.text == "horn":
            idx = list(range(start, start + len(word.phonemes)))
            history.push(SetPhonemes(seg.id, idx, "pitch_st", [4.0] * len(idx)))
            history.push(SetPhonemes(seg.id, idx, "duration_scale", [1.4] * len(idx)))
            history.push(SetPhonemes(seg.id, idx, "energy_db", [4.0] * len(idx)))
        start += len(word.phonemes)
    save(project, out)
    print(f"wrote {out}: {len(project.tracks)} tracks, {len(segs)} segments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
