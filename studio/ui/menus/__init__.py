"""Menus as data, one module per menu (napari's habit, `_qt/_qapp_model/qactions/`), built by builder.py.
ALL is the window's tool bar and menus, in the order they appear."""

from studio.ui.menus import edit, file, script, transport, view, voice

ALL = (transport.BAR, file.MENU, edit.MENU, script.MENU, voice.MENU, view.MENU)
