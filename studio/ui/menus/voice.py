"""The Voice menu: a track's model, designed voices and the emotion and delivery presets."""

from studio.ui.menus.action import Action, Menu

MENU = Menu("&Voice", items=(
    Action("Choose &model for this track…", lambda w: w.pick_model(), ("Ctrl+M",)),
    Action("&Design a voice…", lambda w: w.design_voice()),
    Action("&Presets…", lambda w: w.show_presets()),
))
