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
