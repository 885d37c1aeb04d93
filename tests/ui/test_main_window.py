"""The editor, driven as a user would: open the demo, drag a pitch point, hear only that sentence re-rendered,
undo, play, change the voice mix, save. Offscreen, with a fake audio sink."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QDockWidget

from studio.cli import DEMO_PROJECT
from studio.core.project_io import load
from studio.engine.render.scheduler import State
from studio.ui.script_panel import COL_TEXT
from tests.ui.conftest import FakeSink
from tests.ui.helpers import answer_next_dialog, drag, press, settle, view_to_widget

SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"


def shot(widget, name):
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_demo_opens_as_a_phoneme_timeline_with_every_lane_filled(window):
    project = window.document.project
    data = window.timeline.data
    assert window.script.rowCount() == len(project.segments)
    assert window.script.item(0, COL_TEXT).text() == project.segments[0].text
    assert len(data.start) == sum(len(s.phonemes()) for s in project.segments) > 100
    assert len(window.timeline.pitch.points.data) > 50 and len(window.timeline.energy.points.data) > 50
    assert len(window.timeline.emotion.blocks.labels) == len(project.segments)
    assert len(window.timeline.mix.blocks.labels) >= len(project.segments)
    assert all(window.render.status(s.id).state is State.READY for s in project.segments)
    assert len(window.timeline.audio.wave.x) > 100
    assert "ready 8/8" in window.render_state.text()
    shot(window, "editor_demo.png")


def test_dragging_a_pitch_point_rerenders_only_that_sentence_and_undo_replays_from_cache(window):
    tl, project = window.timeline, window.document.project
    lane = tl.pitch
    seg_pos = 2
    seg = project.segments[seg_pos]
    tl.show_range(tl.data.placements[seg_pos].start - 0.2, tl.data.placements[seg_pos].end + 0.2)
    window.repaint()
    k = int(np.flatnonzero(tl.data.seg_index[lane._index] == seg_pos)[2])  # third voiced phoneme of the sentence
    i = int(lane._index[k])
    x, y = lane._x[k], lane._base[k] + lane._edit[k]
    rendered = []
    window.render.scheduler.subscribe(lambda s, st: st.state is State.RENDERING and rendered.append(s))
    renders = window.render.scheduler.renders
    start = view_to_widget(tl, lane, x, y)
    drag(tl, start, start - type(start)(0, 40))
    ph = seg.phonemes()[int(tl.data.ph_index[i])]
    assert ph.pitch_st > 1.0  # dragged up by 40 px
    assert window.document.undo_stack.count() == 1
    assert settle(window)
    assert set(rendered) == {seg.id} and window.render.scheduler.renders == renders + 1
    edited_audio = window.render.result(seg.id).audio.copy()
    window.document.undo_stack.undo()
    assert ph.pitch_st == 0.0
    assert settle(window)
    assert window.render.scheduler.renders == renders + 1  # the undone state was a cache hit
    assert window.render.status(seg.id).from_cache
    assert not np.array_equal(window.render.result(seg.id).audio, edited_audio)


def test_rubber_band_selection_then_shift_flatten_and_reset(window):
    tl = window.timeline
    lane = tl.pitch
    place = tl.data.placements[0]
    tl.show_range(place.start - 0.1, place.end + 0.1)
    window.repaint()
    (y0, y1) = lane.view.viewRange()[1]
    a = view_to_widget(tl, lane, place.start + 0.01, y1 - 0.5)
    b = view_to_widget(tl, lane, place.start + 0.8, y0 + 0.5)
    from PySide6.QtCore import Qt
    drag(tl, a, b, modifiers=Qt.ShiftModifier)
    assert len(lane.selection) >= 3
    chosen = sorted(lane.selection)
    window._on_selection("shift", 1.0)
    assert all(tl.data.pitch_edit[i] == pytest.approx(1.0) for i in chosen)
    window._on_selection("flatten")
    levels = [tl.data.pitch_pred[i] + tl.data.pitch_edit[i] for i in chosen]
    assert max(levels) - min(levels) < 1e-6
    window._on_selection("reset")
    assert all(tl.data.pitch_edit[i] == 0 for i in chosen)
    assert window.document.undo_stack.count() == 3


def test_dragging_a_phoneme_edge_changes_its_duration(window):
    tl = window.timeline
    lane = tl.phonemes
    i = 5
    place = tl.data.placements[0]
    tl.show_range(place.start, place.start + 1.0)
    window.repaint()
    end = tl.data.end[i]
    old = end - tl.data.start[i]
    start = view_to_widget(tl, lane, end, 0.5)
    drag(tl, start, start + type(start)(60, 0))
    seg = window.document.project.segments[0]
    assert seg.phonemes()[int(tl.data.ph_index[i])].duration_scale > 1.2
    assert tl.data.end[i] - tl.data.start[i] > old * 1.2 or not window.render.wait_idle(0)


def test_play_plays_the_mix_into_the_sink(window):
    window.timeline.set_cursor(0.0)
    window.toggle_play()
    assert window.player.playing and FakeSink.started
    played = FakeSink.started[-1].device.data()
    assert len(played) > 2 * 22050 * 10  # more than ten seconds of 16-bit audio
    FakeSink.started[-1].usecs = 1_500_000
    window.player._tick()
    assert window.timeline.audio.playhead.value() == pytest.approx(1.5)
    window.toggle_play()
    assert not window.player.playing


def test_a_cache_corrupted_while_playing_is_rendered_again_and_playback_goes_on(window, tmp_path):
    """Issue 15.1: every disk cache entry truncated under the running editor; the renderer treats them as misses,
    renders again, and keeps working (before, the render worker died on the first EOFError)."""
    entries = list((tmp_path / "cache").glob("*/*.npz"))
    assert entries
    window.timeline.set_cursor(0.0)
    window.toggle_play()
    assert window.player.playing
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:64])
    window.render.cache.clear_memory()
    renders = window.render.scheduler.renders
    window.render.render_all()
    assert settle(window)
    project = window.document.project
    assert all(window.render.status(s.id).state is State.READY for s in project.segments)
    assert window.render.cache.damaged == len(entries) and window.render.scheduler.renders > renders
    assert window.render.scheduler._thread.is_alive()
    window.toggle_play()
    window.toggle_play()
    assert window.player.playing and "Traceback" not in window.message.text()
    window.toggle_play()


def test_no_audio_device_is_said_once_and_nothing_breaks(make_window, tmp_path):
    w = make_window(sink_factory=lambda fmt: None)
    shutil.copy(DEMO_PROJECT, tmp_path / "d.json")
    assert w.open_path(tmp_path / "d.json")
    settle(w)
    w.toggle_play()
    assert "No audio output device" in w.message.text() and not w.player.playing


def test_a_mix_slider_drags_with_the_mouse_shows_its_share_and_is_one_undo_step(window):
    from tests.ui.helpers import slider_drag

    mixer = window.mixer
    seg = window.document.project.segments[1]  # MARA
    window.script.select_segment(seg.id)
    window.findChild(QDockWidget, "Voice mixer").raise_()
    slider = mixer.sliders["en+f3"]
    before = slider.value()
    steps = window.document.undo_stack.count()
    slider.sliderMoved.connect(lambda _v: moves.append(window.document.undo_stack.count()))
    moves = []
    slider_drag(slider, min(before + 40, 100))
    # The handle followed the mouse (a push per move pulled it back to the stored share), nothing was pushed
    # until the release, and the release was one step.
    assert len(moves) > 2 and set(moves) == {steps}
    assert window.document.undo_stack.count() == steps + 1
    mix = window.document.project.effective_mix(seg).as_dict()
    assert mix["en+f3"] > before / 100 + 0.1 and sum(mix.values()) == pytest.approx(1.0)
    assert mixer.sliders["en+f3"].value() == round(100 * mix["en+f3"])
    assert mixer.shares["en+f3"].text() == f"{100 * mix['en+f3']:.0f} %"
    # A drag that ends where it began adds no step.
    slider = mixer.sliders["en+f3"]
    slider_drag(slider, slider.value())
    assert window.document.undo_stack.count() == steps + 1
    assert settle(window)
    assert window.render.status(seg.id).state is State.READY
    mixer.save_mix("Mara blend")
    assert "Mara blend" in window.document.project.voice_library


def test_save_writes_the_edits(window):
    seg = window.document.project.segments[0]
    from studio.core.commands import SetPhonemes
    window.document.push(SetPhonemes(seg.id, [2], "energy_db", [3.0]))
    assert window.save()
    assert load(window.document.path).segments[0].phonemes()[2].energy_db == 3.0
    assert "*" not in window.windowTitle()


def test_a_bad_project_shows_one_sentence_and_keeps_the_open_one(window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "speech-studio-project", "schema_version": 1, "tracks": [')
    before = window.document.project
    assert not window.open_path(bad)
    assert window.document.project is before and "not valid JSON" in window.message.text()


def test_render_with_a_tiny_coqui_model(make_window, tiny_models, tmp_path):
    from studio.core.model import VoiceRef
    from studio.core.project_io import save
    from studio.core.script import parse_script
    from studio.production.importing import build_project
    from studio.engine.voices.registry import VoiceRegistry

    voice = VoiceRef("coqui", str(tiny_models["vits_multispeaker"]))
    project = build_project(parse_script("A: Hello there.\nB: Hi."), VoiceRegistry(), voice, speakers=["ada", "ben"])
    save(project, tmp_path / "coqui.json")
    w = make_window()
    assert w.open_path(tmp_path / "coqui.json")
    assert settle(w)
    assert all(w.render.status(s.id).state is State.READY for s in w.document.project.segments)
    assert w.render.result(w.document.project.segments[0].id).sample_rate == 22050
    # The mixer, shown before the model had loaded, lists the model's speakers once it has.
    assert {"ada", "ben"} <= set(w.mixer.sliders)


def test_model_picker_switches_a_track_to_a_coqui_folder_in_one_undo_step(window, tiny_models, qtbot):
    from studio.ui.model_picker import ModelPicker

    seg = window.document.project.segments[1]
    track = window.document.project.track(seg.track_id)
    before = track.voice
    picker = ModelPicker(window.document, track.id, window, folders=[str(tiny_models["fastpitch"].parent)])
    names = [e["name"] for e in picker.entries]
    assert "en-us" in names and str(tiny_models["fastpitch"]) in names
    entry = next(e for e in picker.entries if e["name"] == str(tiny_models["fastpitch"]))
    with qtbot.waitSignal(picker._done, timeout=60000):
        picker.choose(entry)
    assert track.voice.model == str(tiny_models["fastpitch"])
    assert window.document.undo_stack.count() == 1
    assert settle(window)
    assert window.render.status(seg.id).state is State.READY
    window.document.undo_stack.undo()
    assert track.voice == before


def test_model_picker_refuses_unsupported_models_in_words(window):
    from studio.ui.model_picker import ModelPicker

    picker = ModelPicker(window.document, window.document.project.tracks[0].id, window)
    xtts = next(e for e in picker.entries if e["name"].endswith("xtts_v2"))
    picker.choose(xtts)
    assert "cannot be edited" in picker.status.text() and "token by token" in picker.status.text()


def test_the_window_opens_fast_without_loading_torch(tmp_path):
    import json
    import subprocess
    import sys

    code = ("import time, json, sys; t = time.perf_counter();"
            "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
            "from studio.ui.app import make_app; from studio.ui.main_window import MainWindow;"
            "from PySide6.QtCore import QSettings; app = make_app();"
            f"w = MainWindow(settings=QSettings({str(tmp_path / 's.ini')!r}, QSettings.IniFormat)); w.show();"
            "w.open_path(__import__('studio.cli', fromlist=['x']).DEMO_PROJECT); app.processEvents();"
            "print(json.dumps([time.perf_counter() - t, 'torch' in sys.modules]))")
    # The first start after an install also compiles every module to bytecode; the user's starts after that
    # are the warm ones. Both must leave torch unloaded (the neural voice loads after the window paints).
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    (_, cold_torch), (seconds, torch_loaded) = runs
    assert seconds < 2.0 and not torch_loaded and not cold_torch


def test_dropping_subtitles_imports_pinned_lines_and_fit_is_one_undo_step(make_window, tmp_path, qtbot):
    w = make_window()
    (tmp_path / "s.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nANNA: Where were you last night?\n\n"
                                    "2\n00:00:03,000 --> 00:00:04,000\nBEN: Out walking.\n")
    answer_next_dialog(press("Import"))  # the casting dialog: the proposed voices will do
    assert w.open_path(tmp_path / "s.srt")
    qtbot.waitUntil(lambda: not w.import_job.running and bool(w.document.project.segments), timeout=60000)
    project = w.document.project
    assert [t.name for t in project.tracks] == ["ANNA", "BEN"]
    assert [s.start for s in project.segments] == [1.0, 3.0] and project.segments[0].slot == 1.0
    w.fit_to_slots()
    assert w.document.undo_stack.count() == 1
    assert "*" in w.windowTitle() and w.document.path is None


def test_autosave_after_a_change_and_recovery_after_a_crash(make_window, tmp_path):
    from studio.core.commands import SetPhonemes

    w = make_window()
    shutil.copy(DEMO_PROJECT, tmp_path / "d.json")
    assert w.open_path(tmp_path / "d.json")
    seg = w.document.project.segments[0]
    w.document.push(SetPhonemes(seg.id, [3], "pitch_st", [5.0]))
    assert w.autosave.timer.isActive()
    assert w.autosave.write() and w.autosave.file.is_file()
    # A crash: the window goes away without closeEvent; the recovery file stays.
    w.autosave.timer.stop()
    w2 = make_window()
    asked = []
    assert w2.offer_recovery(lambda text: asked.append(text) or True)
    assert "d.json" in asked[0]
    assert w2.document.project.segments[0].phonemes()[3].pitch_st == 5.0
    assert w2.document.path == tmp_path / "d.json" and "*" in w2.windowTitle()
    assert not w.autosave.file.exists()  # recovered once, then discarded


def test_a_save_clears_the_recovery_copy(window):
    from studio.core.commands import SetPhonemes

    seg = window.document.project.segments[0]
    window.document.push(SetPhonemes(seg.id, [3], "pitch_st", [5.0]))
    window.autosave.write()
    assert window.autosave.file.exists()
    window.save()
    assert not window.autosave.file.exists()


def test_editing_text_in_the_script_panel_is_analysed_off_the_gui_thread_and_undoable(window, qtbot):
    doc = window.document
    seg = doc.project.segments[1]
    old = seg.text
    with qtbot.waitSignal(window.script.analysed, timeout=10000):
        window.script.item(1, COL_TEXT).setText("A completely new line.")
    assert seg.text == "A completely new line."
    assert [w.text for w in seg.words if w.text] == ["A", "completely", "new", "line"]
    assert settle(window) and window.render.status(seg.id).state is State.READY
    doc.undo_stack.undo()
    assert seg.text == old and window.script.item(1, COL_TEXT).text() == old


def test_an_empty_text_edit_is_refused_and_the_old_text_comes_back(window, qtbot):
    seg = window.document.project.segments[0]
    old = seg.text
    with qtbot.waitSignal(window.script._analysed, timeout=10000):
        window.script.item(0, COL_TEXT).setText("   ")
    assert seg.text == old and window.script.item(0, COL_TEXT).text() == old
    assert "needs some text" in window.message.text()


def test_play_waits_for_a_stale_segment_then_plays(window, qtbot):
    from studio.core.commands import SetPhonemes

    seg = window.document.project.segments[0]
    window.document.push(SetPhonemes(seg.id, [2], "pitch_st", [6.0]))
    window.timeline.set_cursor(0.0)
    window.play_from_cursor()
    assert not window.player.playing or window.render.status(seg.id).state.value == "ready"
    qtbot.waitUntil(lambda: window.player.playing, timeout=20000)
    assert window.render.status(seg.id).state is State.READY and FakeSink.started


def test_emotion_lane_drags_set_segment_and_word_intensities(window):
    from PySide6.QtCore import Qt

    tl = window.timeline
    lane = tl.emotion
    seg_pos = 3  # "It is only the wind, Mara." (calm)
    seg = window.document.project.segments[seg_pos]
    place = tl.data.placements[seg_pos]
    tl.show_range(place.start - 0.2, place.end + 0.2)
    window.repaint()
    x = place.start + 0.05
    # Quick drags shorter than pyqtgraph's move distance count as clicks, so these travel far enough.
    drag(tl, view_to_widget(tl, lane, x, 0.1), view_to_widget(tl, lane, x, 1.8))
    assert seg.emotion.intensity == pytest.approx(1.8, abs=0.1)
    word = next(w for w in tl.data.words if w[3] == seg_pos and w[2] == "wind")
    wx = (word[0] + word[1]) / 2
    drag(tl, view_to_widget(tl, lane, wx, 1.9), view_to_widget(tl, lane, wx, 0.3), modifiers=Qt.ShiftModifier)
    assert seg.words[word[4]].emotion_intensity == pytest.approx(0.3, abs=0.1)
    assert window.document.undo_stack.count() == 2
    assert sum(1 for label in lane.blocks.labels if label) >= 1 and len(lane.blocks.x0) > len(tl.data.placements)


def test_editor_edits_on_a_fastpitch_track_vocode_only_the_window(make_window, tiny_models, tmp_path):
    from studio.core.commands import SetPhonemes
    from studio.core.model import VoiceRef
    from studio.core.project_io import save
    from studio.core.script import parse_script
    from studio.production.importing import build_project
    from studio.engine.voices.registry import VoiceRegistry

    voice = VoiceRef("coqui", str(tiny_models["fastpitch"]))
    text = "Hello world, this is a test of windowed rendering in a longer sentence with many words in it."
    save(build_project(parse_script(text), VoiceRegistry(), voice), tmp_path / "fp.json")
    w = make_window()
    assert w.open_path(tmp_path / "fp.json") and settle(w)
    seg = w.document.project.segments[0]
    before = w.render.result(seg.id)
    w.document.push(SetPhonemes(seg.id, [12], "pitch_st", [5.0]))
    assert settle(w)
    after = w.render.result(seg.id)
    head = before.boundaries[12] - 2 * 256
    assert np.array_equal(after.audio[:head], before.audio[:head])  # untouched audio reused, sample for sample
    assert not np.array_equal(after.audio, before.audio)


def test_the_anonymity_meter_defaults_to_the_verifiers_calibrated_threshold(window):
    from studio.engine.privacy import verifier

    cal = verifier.calibration()
    assert window.mixer.meter_kind == "ge2e"
    assert window.mixer.threshold.value() == pytest.approx(cal.threshold, abs=1e-3)
    assert "EER" in window.mixer.threshold.toolTip() and "calibrated" in window.mixer.threshold.toolTip()
