"""The window's Ctrl shortcuts win over a number field's own key bindings.

On X11 a spin box's line edit takes Ctrl+E as "end of line" (and Ctrl+A, Ctrl+K and others, emacs-like), so
with a number field focused File > Export did nothing. A number field needs none of those: the window's command
runs instead, except for the field's standard editing keys (copy, cut, paste, select all, undo, redo)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox

FIELD_KEYS = (QKeySequence.Copy, QKeySequence.Cut, QKeySequence.Paste, QKeySequence.SelectAll,
              QKeySequence.Undo, QKeySequence.Redo)


class WindowKeysFirst(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        for field in window.findChildren(QAbstractSpinBox):
            field.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.ShortcutOverride or not event.modifiers() & Qt.ControlModifier:
            return False
        if any(event.matches(key) for key in FIELD_KEYS):
            return False
        pressed = QKeySequence(event.keyCombination())
        for action in self.window.actions():
            if action.isEnabled() and any(k.matches(pressed) == QKeySequence.ExactMatch for k in action.shortcuts()):
                event.ignore()  # not taken by the field: the shortcut map gives the key to the window's action
                return True
        return False
