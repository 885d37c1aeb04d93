"""Driving the timeline with real mouse events, as a user would."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from studio.ui.app import settle  # noqa: F401 - re-exported for tests


def view_to_widget(timeline, lane, x: float, y: float) -> QPoint:
    scene = lane.view.mapViewToScene(QPointF(x, y))
    return timeline.mapFromScene(scene)


def _send(widget, kind, pos: QPoint, buttons, modifiers=Qt.NoModifier):
    button = Qt.LeftButton if kind != QEvent.MouseMove else Qt.NoButton
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(timeline, start: QPoint, end: QPoint, modifiers=Qt.NoModifier, steps: int = 8) -> None:
    viewport = timeline.viewport()
    _send(viewport, QEvent.MouseButtonPress, start, Qt.LeftButton, modifiers)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        _send(viewport, QEvent.MouseMove, QPoint(int(p.x()), int(p.y())), Qt.LeftButton, modifiers)
    _send(viewport, QEvent.MouseButtonRelease, end, Qt.NoButton, modifiers)
    QApplication.processEvents()


def click(timeline, pos: QPoint, modifiers=Qt.NoModifier) -> None:
    viewport = timeline.viewport()
    _send(viewport, QEvent.MouseButtonPress, pos, Qt.LeftButton, modifiers)
    _send(viewport, QEvent.MouseButtonRelease, pos, Qt.NoButton, modifiers)
    QApplication.processEvents()


def answer_next_dialog(handler, attempts: int = 500) -> None:
    """When the next modal dialog opens (a QMessageBox, a QInputDialog), hand it to `handler`, which answers it
    as a user would: fill a field, click a button."""
    from PySide6.QtCore import QTimer

    def poll(n=attempts):
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            handler(dialog)
        elif n:
            QTimer.singleShot(10, lambda: poll(n - 1))
    QTimer.singleShot(0, poll)


def press(button_text: str):
    """A handler for answer_next_dialog that clicks the button with this text."""
    from PySide6.QtWidgets import QAbstractButton

    def handler(dialog):
        for b in dialog.findChildren(QAbstractButton):
            if b.text().replace("&", "") == button_text:
                b.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in dialog.findChildren(QAbstractButton)]}")
    return handler


def type_and_ok(text: str):
    """A handler for a QInputDialog: type the text (or pick the item) and press OK."""
    def handler(dialog):
        dialog.setTextValue(text)
        dialog.accept()
    return handler


def key(qtbot, w, k, mod=Qt.NoModifier):
    """A key press on the window, as a user's: the window active first, so shortcuts reach it."""
    w.activateWindow()
    QApplication.processEvents()
    qtbot.keyClick(w, k, mod)


def window_with_script(make_window, qtbot, text: str):
    """A new window on a new project holding `text` pasted as its script, once the lines are analysed."""
    w = make_window()
    w.new_project()
    w.script_actions.paste_script(text)
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    return w


def slider_drag(slider, to_value: int, steps: int = 6) -> None:
    """Drag a QSlider by its handle with real mouse events, as a user would: press on the handle, move, release."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.CC_Slider, option, QStyle.SC_SliderHandle, slider)
    groove = slider.style().subControlRect(QStyle.CC_Slider, option, QStyle.SC_SliderGroove, slider)
    span = groove.width() - handle.width()
    start = handle.center()
    x_to = groove.x() + handle.width() // 2 + round(span * (to_value - slider.minimum())
                                                     / (slider.maximum() - slider.minimum()))
    QTest.mousePress(slider, Qt.LeftButton, Qt.NoModifier, start)
    for k in range(1, steps + 1):
        x = round(start.x() + (x_to - start.x()) * k / steps)
        QTest.mouseMove(slider, QPoint(x, start.y()))
        QApplication.processEvents()
    QTest.mouseRelease(slider, Qt.LeftButton, Qt.NoModifier, QPoint(x_to, start.y()))
    QApplication.processEvents()
