"""The one builder of menus and tool bars: it turns the records of studio/ui/menus/ into QActions, QMenus and
QToolBars on the window. Every action it makes is also added to the window itself, so its shortcut works while
its menu is closed and the Preferences can list it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from studio.ui.menus.action import Action, Separator, Submenu, Toolbar


def build(window, menus) -> None:
    for menu in menus:
        if isinstance(menu, Toolbar):
            target = QToolBar(menu.title, window)
            target.setObjectName(menu.title)
            window.addToolBar(Qt.TopToolBarArea, target)
        else:
            target = window.menuBar().addMenu(menu.title)
        if menu.name:
            setattr(window, menu.name, target)
        for item in menu.items:
            if isinstance(item, Separator):
                target.addSeparator()
            elif isinstance(item, Submenu):
                setattr(window, item.name, target.addMenu(item.title))
                item.fill(window)
            else:
                target.addAction(make_action(window, item))


def make_action(window, item: Action) -> QAction:
    if item.make is not None:
        action = item.make(window)
    else:
        action = QAction(item.text, window)
        window.addAction(action)
    if item.keys:
        action.setShortcuts(key_sequences(item.keys))
    action.setCheckable(item.checkable)
    if item.tip:
        action.setToolTip(item.tip)
    if item.run is not None:
        action.triggered.connect(lambda _checked=False, run=item.run: run(window))
    if item.toggled is not None:
        action.toggled.connect(lambda on, toggled=item.toggled: toggled(window, on))
    if item.name:
        _keep(window, item.name, action)
    return action


def key_sequences(keys) -> list[QKeySequence]:
    """Every key sequence of `keys`, once each, in order. A standard key stands for all of this platform's bindings
    (QKeySequence(StandardKey) would keep only the first); one already listed is dropped, because a sequence given
    twice is an "ambiguous shortcut" on X11 and then does nothing (Redo is Ctrl+Shift+Z there, Ctrl+Y elsewhere)."""
    seen, out = set(), []
    for key in keys:
        standard = isinstance(key, QKeySequence.StandardKey)
        for seq in QKeySequence.keyBindings(key) if standard else [QKeySequence(key)]:
            if not seq.isEmpty() and seq.toString() not in seen:
                seen.add(seq.toString())
                out.append(seq)
    return out


def _keep(window, name: str, action: QAction) -> None:
    """Set `name` ("play_action", or "guide_actions.mute_action" on a helper the window holds) to the action."""
    *path, last = name.split(".")
    owner = window
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, last, action)
