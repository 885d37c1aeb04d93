"""Menus as data: an Action is one command of a menu or of a tool bar, a Menu (or Toolbar) a titled list of
them. The modules beside this one each declare one menu; builder.py is the one place that makes QActions.

Callbacks take the window, so the records hold no widget and are made before any window exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from PySide6.QtGui import QKeySequence

Key = Union[str, QKeySequence.StandardKey]


@dataclass(frozen=True)
class Action:
    text: str
    run: Callable | None = None  # run(window), when the action is triggered
    keys: tuple[Key, ...] = ()  # every shortcut; the first is the one menus show
    name: str | None = None  # where the QAction is kept: "play_action" on the window, "guide_actions.mute_action"
    checkable: bool = False
    toggled: Callable | None = None  # toggled(window, on), for a checkable action
    tip: str = ""  # tool tip
    # For the actions Qt makes itself (undo and redo follow the stack): make(window) -> QAction. Their text
    # changes with the stack, so they are not among the window's actions whose shortcuts the user can change.
    make: Callable | None = None


@dataclass(frozen=True)
class Separator:
    pass


SEPARATOR = Separator()


@dataclass(frozen=True)
class Submenu:
    """A submenu whose items are not known in advance (recent files): `fill(window)` fills it, now and later."""

    title: str
    name: str  # the window attribute that keeps the QMenu, for whoever refills it
    fill: Callable


@dataclass(frozen=True)
class Menu:
    title: str
    items: tuple[Action | Separator | Submenu, ...]
    name: str | None = None  # the window attribute that keeps the QMenu, for those that add to it later


@dataclass(frozen=True)
class Toolbar:
    title: str
    items: tuple[Action | Separator, ...]
    name: str | None = None
