"""The File menu: projects, scripts, export, reference audio and video."""

from PySide6.QtGui import QKeySequence

from studio.ui.menus.action import SEPARATOR, Action, Menu, Submenu

MENU = Menu("&File", items=(
    Action("&New", lambda w: w.new_project(), (QKeySequence.New,)),
    Action("&Open…", lambda w: w.ask_open(), (QKeySequence.Open,)),
    Action("&Import script…", lambda w: w.ask_import(), ("Ctrl+I",)),
    Submenu("Open &recent", "recent_menu", lambda w: w._fill_recent()),
    Action("&Save", lambda w: w.save(), (QKeySequence.Save,)),
    Action("Save &As…", lambda w: w.ask_save_as(), (QKeySequence.SaveAs,)),
    SEPARATOR,
    Action("&Export…", lambda w: w.show_export(), ("Ctrl+E",)),
    Action("Import &reference audio…", lambda w: w.ask_reference_audio()),
    Action("Import reference &video…", lambda w: w.video.ask()),
    SEPARATOR,
    Action("&Quit", lambda w: w.close(), (QKeySequence.Quit,)),
))
