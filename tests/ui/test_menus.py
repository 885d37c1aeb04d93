"""The menus and the transport bar are built from the records in studio/ui/menus/, by one builder, and no key
sequence is bound twice: on X11 an ambiguous shortcut does nothing at all."""

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from studio.ui import menus
from studio.ui.menus.action import Action, Separator, Submenu, Toolbar
from studio.ui.menus.builder import key_sequences


def _kept(window, name: str):
    owner = window
    for part in name.split("."):
        owner = getattr(owner, part)
    return owner


def _built(window, spec):
    if isinstance(spec, Toolbar):
        return next(bar for bar in window.findChildren(QToolBar) if bar.objectName() == spec.title)
    return next(a.menu() for a in window.menuBar().actions() if a.text() == spec.title)


def test_every_menu_and_the_transport_bar_are_built_from_their_records(make_window):
    w = make_window()
    assert [a.text() for a in w.menuBar().actions()] == [m.title for m in menus.ALL if not isinstance(m, Toolbar)]
    from_records = set()
    for spec in menus.ALL:
        target = _built(w, spec)
        if spec.name:
            assert getattr(w, spec.name) is target
        actions = target.actions()
        assert len(actions) == len(spec.items), spec.title
        for action, item in zip(actions, spec.items):
            if isinstance(item, Separator):
                assert action.isSeparator(), (spec.title, action.text())
            elif isinstance(item, Submenu):
                assert action.menu() is getattr(w, item.name) and action.text() == item.title
            else:
                assert action.text() == item.text
                assert action.shortcuts() == key_sequences(item.keys), item.text
                assert action.isCheckable() == item.checkable, item.text
                if item.name:
                    assert _kept(w, item.name) is action, item.name
                from_records.add(action)
    # Nothing reaches the window's actions (shortcuts, the Preferences' list) by another path.
    assert set(w.actions()) <= from_records


def test_no_key_sequence_is_bound_to_two_actions_in_the_same_context(make_window):
    w = make_window()
    # Enabled or not: undo and redo are disabled until there is something to undo, and a clash would show then.
    owners = defaultdict(set)
    for action in w.findChildren(QAction):
        if action.shortcutContext() in (Qt.WindowShortcut, Qt.ApplicationShortcut):
            places = ["window"]
        else:
            places = [id(o) for o in action.associatedObjects()]
        for key in action.shortcuts():
            if key.isEmpty():  # a standard key this platform has no binding for (Quit, Preferences on some)
                continue
            for place in places:
                owners[place, key.toString()].add(action.text().replace("&", ""))
    clashes = {key: names for (_place, key), names in owners.items() if len(names) > 1}
    assert not clashes
    assert owners["window", "Space"] == {"Play"}  # the walk saw the shortcuts at all


def _records():
    for spec in menus.ALL:
        for item in spec.items:
            if isinstance(item, Action):
                yield item


def test_a_standard_key_brings_every_binding_of_this_platform_and_no_sequence_twice(make_window):
    """QKeySequence(StandardKey) keeps only the platform's first binding; an explicit key that is also one of the
    platform's bindings (Ctrl+Shift+Z is X11's Redo) was bound twice on one action, which X11 calls ambiguous."""
    w = make_window()
    by_text = {a.text(): a for a in w.findChildren(QAction)}
    for item in _records():
        action = by_text[item.text]
        keys = [k.toString() for k in action.shortcuts()]
        assert len(keys) == len(set(keys)), (item.text, keys)
        for key in item.keys:
            if isinstance(key, QKeySequence.StandardKey):
                for binding in QKeySequence.keyBindings(key):
                    assert binding.toString() in keys, (item.text, binding.toString())
    # Keyboard redo works with either common key, whatever this platform's own binding is.
    redo = {k.toString() for k in by_text["&Redo"].shortcuts()}
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= redo


def test_key_sequences_drops_a_key_the_standard_bindings_already_hold():
    redo = QKeySequence.keyBindings(QKeySequence.Redo)
    first = redo[0].toString()
    got = [k.toString() for k in key_sequences((first, QKeySequence.Redo))]
    assert got.count(first) == 1 and len(got) == len(redo)
