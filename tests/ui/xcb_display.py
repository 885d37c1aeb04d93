"""The editor on a real X11 display (Qt's xcb platform under Xvfb), where Qt's offscreen platform hides what goes
wrong: X11's own standard key bindings (Redo is Ctrl+Shift+Z there, and a spin box takes Ctrl+E as "end of line"),
the window's real minimum size and real mouse drags. Not collected on its own (the name does not start with
test_): test_real_display.py runs it under xvfb-run with QT_QPA_PLATFORM=xcb."""

from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget

from studio.core.commands import SetPhonemes
from tests.ui.helpers import settle, slider_drag

pytestmark = pytest.mark.skipif(QGuiApplication.platformName() != "xcb", reason="needs the xcb platform")


def _activate(window) -> None:
    """Shortcuts go to the active window only; Xvfb has no window manager to make it active on its own."""
    window.raise_()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window, 5000), "the window never became active"


def test_no_key_sequence_is_bound_twice_with_x11_bindings_and_keyboard_redo_works(window):
    owners = defaultdict(list)
    for action in window.findChildren(QAction):
        if action.shortcutContext() in (Qt.WindowShortcut, Qt.ApplicationShortcut):
            for key in action.shortcuts():
                owners[key.toString()].append(action.text().replace("&", ""))
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert QKeySequence("Ctrl+Shift+Z") in QKeySequence.keyBindings(QKeySequence.Redo)  # X11's own table
    seg = window.document.project.segments[0]
    window.document.push(SetPhonemes(seg.id, [2], "energy_db", [3.0]))
    _activate(window)
    window.timeline.setFocus()
    stack = window.document.undo_stack
    for redo in ("Ctrl+Shift+Z", "Ctrl+Y"):
        QTest.keySequence(window.timeline, QKeySequence("Ctrl+Z"))
        assert stack.index() == 0, "Ctrl+Z did not undo"
        QTest.keySequence(window.timeline, QKeySequence(redo))
        assert stack.index() == 1, f"{redo} did not redo"


def test_ctrl_e_exports_while_a_number_field_has_focus(window, monkeypatch):
    shown = []
    monkeypatch.setattr(type(window), "show_export", lambda w: shown.append(True))
    window.findChild(QDockWidget, "Voice mixer").raise_()
    field = window.mixer.threshold  # a QDoubleSpinBox, as the inspector's and the line panel's fields are
    _activate(window)
    field.setFocus()
    QApplication.processEvents()
    QTest.keySequence(field, QKeySequence("Ctrl+E"))
    assert shown, "Ctrl+E was taken by the number field"


def test_the_lane_stack_fits_a_1280x720_window_and_scrolls(window):
    window.resize(1280, 720)
    settle(window)
    QApplication.processEvents()
    assert window.height() <= 720, "the window's minimum height is taller than a 720-pixel screen"
    scroll = window.timeline_scroll
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the lanes keep their height and scroll
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    axis = window.timeline.reference.plot.getAxis("bottom")  # the time axis, under the lowest lane
    bottom = window.timeline.mapFromScene(axis.mapToScene(axis.boundingRect().bottomLeft()))
    assert window.timeline.mapTo(scroll.viewport(), bottom).y() <= scroll.viewport().height()
    assert window.history.height() >= 5 * window.history.fontMetrics().height()
    # Hiding lanes from the View menu gives their room back; the time axis moves to the lowest lane shown.
    height = window.timeline.minimumHeight()
    window.timeline.set_lane_visible(window.timeline.reference, False)
    assert window.timeline.minimumHeight() < height
    assert window.timeline.guide.plot.getAxis("bottom").style["showValues"]


def test_a_mixer_slider_drags_with_the_mouse_as_one_step(window):
    seg = window.document.project.segments[1]
    window.script.select_segment(seg.id)
    window.findChild(QDockWidget, "Voice mixer").raise_()
    settle(window)
    slider = window.mixer.sliders["en+f3"]
    before, steps = slider.value(), window.document.undo_stack.count()
    slider_drag(slider, min(before + 40, 100))
    assert window.document.undo_stack.count() == steps + 1
    assert window.document.project.effective_mix(seg).as_dict()["en+f3"] > before / 100 + 0.1
