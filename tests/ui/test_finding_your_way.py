"""Finding your way in a long script: find and replace across lines, markers, the overview strip, track names on
the timeline, and segment labels when zoomed out. Each is driven the way a user would: keys, dialogs, clicks."""

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPainter, QPicture
from PySide6.QtWidgets import QApplication

from studio.ui.track_lane import short_name
from tests.ui.helpers import (answer_next_dialog, click, drag, key, type_and_ok, view_to_widget,
                              window_with_script)

# Screenshots go beside the other test screenshots (ignored by git), not into docs/: a test run must not
# change the tree; the copies in docs/ were taken from there.
DOCS = Path(__file__).resolve().parents[1] / "_screenshots"


def axis_labels(axis) -> dict:
    """The tick labels an axis draws, each with its rectangle on the scene, as pyqtgraph lays them out."""
    picture = QPicture()
    painter = QPainter(picture)
    painter.setFont(axis.style["tickFont"])
    try:
        _line, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return {text: axis.mapRectToScene(rect) for rect, _flags, text in texts}


def test_find_next_previous_and_replace_all_as_one_undo_step(make_window, qtbot):
    w = window_with_script(make_window, qtbot, "The ship left at dawn. A gull followed. The ship came back.")
    project = w.document.project
    before = [s.text for s in project.segments]
    key(qtbot, w, Qt.Key_F, Qt.ControlModifier)
    dialog = w.find_dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.find_edit, "SHIP")  # not case sensitive unless asked
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert w.script.selected_segment_id() == project.segments[0].id
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert w.script.selected_segment_id() == project.segments[2].id and "Match 2 of 2" in dialog.status.text()
    qtbot.mouseClick(dialog.prev_button, Qt.LeftButton)
    assert w.script.selected_segment_id() == project.segments[0].id
    # Replace all: every line changes, re-analysed (the words are new), as one undo step.
    qtbot.keyClicks(dialog.replace_edit, "boat")
    steps = w.document.undo_stack.count()
    qtbot.mouseClick(dialog.all_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    assert [s.text for s in project.segments] == ["The boat left at dawn.", "A gull followed.", "The boat came back."]
    assert [w.text for w in project.segments[0].words if w.text][:2] == ["The", "boat"]
    assert w.document.undo_stack.count() == steps + 1
    assert w.document.undo_stack.text(steps) == "Replace 'SHIP' with 'boat' in 2 lines"
    assert "Replaced 2 matches in 2 lines" in dialog.status.text()
    assert w.script.item(0, 1).text() == "The boat left at dawn."  # the script panel shows it
    w.document.undo_stack.undo()
    assert [s.text for s in project.segments] == before
    # Replace one: only the current match, then the next is found.
    dialog.find_edit.setText("the")
    dialog.replace_edit.setText("Our")
    qtbot.mouseClick(dialog.replace_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    assert [s.text for s in project.segments] == ["Our ship left at dawn.", "A gull followed.", "The ship came back."]
    assert w.script.selected_segment_id() == project.segments[2].id
    # Text that is not there, and a replacement that would empty a line, each say so in one sentence.
    dialog.find_edit.setText("whale")
    qtbot.mouseClick(dialog.all_button, Qt.LeftButton)
    assert dialog.status.text() == "\"whale\" is not in the script."
    dialog.find_edit.setText("A gull followed.")
    dialog.replace_edit.setText("")
    qtbot.mouseClick(dialog.all_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    assert project.segments[1].text == "A gull followed." and "remove the segment" in w.message.text()


def test_find_and_replace_with_a_regular_expression_and_its_groups(make_window, qtbot):
    w = window_with_script(make_window, qtbot, "Call 555-1234 now. Smith, John waited. Call 555-9876 later.")
    project, stack = w.document.project, w.document.undo_stack
    before = [s.text for s in project.segments]
    key(qtbot, w, Qt.Key_H, Qt.ControlModifier)
    dialog = w.find_dialog
    qtbot.keyClicks(dialog.find_edit, r"\d{3}-(\d{4})")
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert dialog.status.text() == '"\\d{3}-(\\d{4})" is not in the script.'  # literal until asked
    dialog.regex_box.click()
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert w.script.selected_segment_id() == project.segments[0].id and dialog.status.text() == "Match 1 of 2."
    # Replace all with a group: one undo step.
    dialog.replace_edit.setText(r"ext. \1")
    steps = stack.count()
    qtbot.mouseClick(dialog.all_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    assert [s.text for s in project.segments] == ["Call ext. 1234 now.", "Smith, John waited.", "Call ext. 9876 later."]
    assert stack.count() == steps + 1
    stack.undo()
    assert [s.text for s in project.segments] == before
    # Replace one, with named and numbered groups.
    dialog.find_edit.setText(r"(?P<last>\w+), (\w+)")
    dialog.replace_edit.setText(r"\2 \g<last>")
    qtbot.mouseClick(dialog.replace_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    assert project.segments[1].text == "John Smith waited."
    assert stack.text(stack.count() - 1) == "Replace 'Smith, John' with 'John Smith'"
    # A bad pattern and one that matches empty text: one sentence each, in the dialog, and nothing changes.
    texts, steps = [s.text for s in project.segments], stack.count()
    dialog.find_edit.setText("(ab")
    qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
    assert dialog.status.text() == ("That is not a valid regular expression: missing ), unterminated subpattern "
                                    "at position 0.")
    assert w.message.text() == dialog.status.text()
    dialog.find_edit.setText("x*")
    dialog.replace_edit.setText("-")
    qtbot.mouseClick(dialog.all_button, Qt.LeftButton)
    assert dialog.status.text().startswith("That regular expression can match empty text, ")
    qtbot.mouseClick(dialog.replace_button, Qt.LeftButton)
    assert dialog.status.text().startswith("That regular expression can match empty text, ")
    dialog.find_edit.setText(r"(\d+)")
    dialog.replace_edit.setText(r"\2")
    qtbot.mouseClick(dialog.replace_button, Qt.LeftButton)
    assert dialog.status.text() == "That replacement is not valid: invalid group reference 2 at position 1."
    assert not w.script_actions.busy and [s.text for s in project.segments] == texts and stack.count() == steps
    DOCS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(DOCS / "find-regex.png"))


def test_markers_added_at_the_playhead_named_saved_and_jumped_to(window, qtbot, tmp_path):
    w = window
    tl = w.timeline
    click(tl, view_to_widget(tl, tl.audio, 1.5, 0.0))  # a click in the audio lane puts the playhead there
    assert abs(tl.playhead_at - 1.5) < 0.05
    answer_next_dialog(type_and_ok("Door slams"))
    key(qtbot, w, Qt.Key_M)
    project = w.document.project
    assert [m.name for m in project.markers] == ["Door slams"]
    click(tl, view_to_widget(tl, tl.audio, 0.5, 0.0))
    answer_next_dialog(type_and_ok("Intro"))
    key(qtbot, w, Qt.Key_M)
    assert [m.name for m in project.markers] == ["Intro", "Door slams"]  # kept in time order
    names = [line.label.format for _plot, line in tl._marker_lines if getattr(line, "label", None) is not None]
    assert names == ["Intro", "Door slams"]  # named on the timeline
    assert len(tl._marker_lines) == 2 * len(tl.lanes)  # and a line through every lane
    key(qtbot, w, Qt.Key_Right, Qt.AltModifier)
    assert abs(tl.playhead_at - project.markers[1].time) < 1e-6
    key(qtbot, w, Qt.Key_Left, Qt.AltModifier)
    assert abs(tl.playhead_at - project.markers[0].time) < 1e-6
    key(qtbot, w, Qt.Key_Left, Qt.AltModifier)
    assert w.message.text() == "No marker before the playhead."
    # Saved with the project and read back.
    path = tmp_path / "marked.studio.json"
    w.document.save(path)
    w.open_path(path)
    assert [(round(m.time, 1), m.name) for m in w.document.project.markers] == [(0.5, "Intro"), (1.5, "Door slams")]
    # Undo takes a marker away.
    answer_next_dialog(type_and_ok("Third"))
    key(qtbot, w, Qt.Key_M)
    assert len(w.document.project.markers) == 3
    w.document.undo_stack.undo()
    assert len(w.document.project.markers) == 2


def menu_action(w, text: str):
    return next(a for a in w.findChildren(QAction) if a.text().replace("&", "") == text)


def test_a_marker_renamed_from_the_menu_and_dragged_on_the_timeline_one_undo_step_each(window, qtbot, tmp_path):
    w = window
    tl, project, stack = w.timeline, w.document.project, w.document.undo_stack
    for at, name in [(1.0, "Intro"), (4.0, "Door slams")]:
        tl.set_cursor(at)
        w.markers.add_at_playhead(name)
    # Rename the marker nearest the playhead, from the View menu.
    tl.set_cursor(3.6)
    steps = stack.count()
    answer_next_dialog(type_and_ok("Door bangs"))
    menu_action(w, "Rename nearest marker…").trigger()
    assert [m.name for m in project.markers] == ["Intro", "Door bangs"]
    assert stack.count() == steps + 1 and w.message.text() == "Rename marker 'Door slams' to 'Door bangs'."
    names = [line.label.format for _plot, line in tl._marker_lines if getattr(line, "label", None) is not None]
    assert names == ["Intro", "Door bangs"]
    # An empty name is refused in one sentence, and nothing changes.
    answer_next_dialog(type_and_ok("   "))
    menu_action(w, "Rename nearest marker…").trigger()
    assert w.message.text() == "A marker needs a name, so 'Door bangs' keeps its own."
    assert [m.name for m in project.markers] == ["Intro", "Door bangs"] and stack.count() == steps + 1
    stack.undo()
    assert [m.name for m in project.markers] == ["Intro", "Door slams"]
    stack.redo()
    # Drag the first marker's line in the audio lane to 2.5 s: one undo step, on release.
    assert all(not line.movable for plot, line in tl._marker_lines if plot is tl.pitch.plot)  # points win there
    steps = stack.count()
    drag(tl, view_to_widget(tl, tl.audio, 1.0, 0.0), view_to_widget(tl, tl.audio, 2.5, 0.0))
    assert [m.name for m in project.markers] == ["Intro", "Door bangs"]
    assert abs(project.markers[0].time - 2.5) < 0.05 and stack.count() == steps + 1
    assert stack.text(steps).startswith("Move marker 'Intro' to 2.")
    assert all(abs(line.value() - project.markers[0].time) < 1e-9
               for _plot, line in tl._marker_lines if line.marker is project.markers[0])  # through every lane
    moved_to = project.markers[0].time
    # Saved and read back as it now is.
    path = tmp_path / "moved.studio.json"
    w.document.save(path)
    w.open_path(path)
    assert [(m.time, m.name) for m in w.document.project.markers] == [(moved_to, "Intro"), (4.0, "Door bangs")]
    # Dragged past the other marker, it takes its place in time order; undo puts it back.
    tl, project, stack = w.timeline, w.document.project, w.document.undo_stack
    drag(tl, view_to_widget(tl, tl.tracks, moved_to, 0.5), view_to_widget(tl, tl.tracks, 5.0, 0.5))
    assert [m.name for m in project.markers] == ["Door bangs", "Intro"]
    stack.undo()
    assert [(m.time, m.name) for m in project.markers] == [(moved_to, "Intro"), (4.0, "Door bangs")]


def test_overview_strip_tracks_lane_and_segment_labels_at_full_view(window, qtbot):
    w = window
    tl = w.timeline
    total = tl.data.total
    assert total > 6
    tl.show_range(0.0, 2.0)
    QApplication.processEvents()
    start, end = tl.overview.region.getRegion()
    assert abs(start - tl.phonemes.view.viewRange()[0][0]) < 1e-6  # the rectangle follows the view
    # Drag the rectangle to the right: the lanes follow.
    ov = tl.overview
    mid = (start + end) / 2
    drag(tl, view_to_widget(tl, ov, mid, 0.5), view_to_widget(tl, ov, mid + 3.0, 0.5))
    (x0, x1), _ = tl.phonemes.view.viewRange()
    assert abs(x0 - (start + 3.0)) < 0.3 and abs((x1 - x0) - (end - start)) < 0.05
    # A click on the strip centres the view there.
    click(tl, view_to_widget(tl, ov, total - 1.5, 0.5))
    (x0, x1), _ = tl.phonemes.view.viewRange()
    assert abs((x0 + x1) / 2 - (total - 1.5)) < 0.3
    # The tracks lane names every track and labels each line; a click selects the line in the script.
    names = [t.name for t in w.document.project.tracks]
    assert [name for _y, name in tl.tracks.names] == names
    # The names are the left axis's labels, drawn beside the lane, not text placed in it over the first blocks.
    assert not any(isinstance(item, pg.TextItem) for item in tl.tracks.plot.items)
    drawn = axis_labels(tl.tracks.plot.getAxis("left"))
    assert sorted(drawn) == sorted(names)  # every one drawn, none skipped as too wide or too near an end
    assert short_name("The narrator of the prologue").endswith("…")  # a long one is shortened to fit, not dropped
    data_left = tl.tracks.view.sceneBoundingRect().left()
    assert all(rect.right() <= data_left + 1 for rect in drawn.values())
    # Every lane keeps the same room on the left, so the time axes still line up.
    lefts = {round(p.vb.sceneBoundingRect().left()) for p in [tl.overview.plot] + [l.plot for l in tl.lanes]}
    assert len(lefts) == 1
    seg = w.document.project.segments[-1]
    place = tl.data.placements[-1]
    track_row = len(names) - 1 - [t.id for t in w.document.project.tracks].index(seg.track_id)
    click(tl, view_to_widget(tl, tl.tracks, (place.start + place.end) / 2, track_row + 0.5))
    assert w.script.selected_segment_id() == seg.id
    # Zoomed in, phonemes; at full view, each line's text instead of a grey bar.
    assert tl.phonemes.blocks.isVisible() and not tl.phonemes.segments.isVisible()
    key(qtbot, w, Qt.Key_0, Qt.ControlModifier)
    assert tl.phonemes.segments.isVisible() and not tl.phonemes.blocks.isVisible()
    assert tl.phonemes.segments.labels == [s.text for s in w.document.project.segments]
    tl.set_cursor(8.8)
    w.markers.add_at_playhead("Tobias wakes")
    QApplication.processEvents()
    DOCS.mkdir(exist_ok=True)
    assert w.grab().save(str(DOCS / "timeline-overview.png"))


def test_many_tracks_grow_the_tracks_lane_so_names_keep_apart(make_window, qtbot):
    """With ten speakers the tracks lane grows: every name is drawn and no two overlap."""
    from studio.core.model import Phoneme, Project, Segment, SpeakerMix, Track, Word
    from studio.engine.voices.registry import EMBEDDED

    names = ["ANNA", "BEN", "CARL", "DORA", "EVA", "FINN", "GUS", "HANNA", "IVAN", "JULES"]
    project = Project(tracks=[Track(f"t{i}", n, EMBEDDED, SpeakerMix.single("en-us")) for i, n in enumerate(names)])
    for i, name in enumerate(names):
        project.segments.append(Segment(f"s{i}", "Hello.", f"t{i}", [Word("Hello", [Phoneme("h", 0.1),
                                                                                   Phoneme("o", 0.2)])]))
    w = make_window()
    w.document.replace(project)
    QApplication.processEvents()
    tl = w.timeline
    assert tl.tracks.height > 96
    qtbot.wait(200)  # the layout takes the lane's new height
    drawn = axis_labels(tl.tracks.plot.getAxis("left"))
    assert sorted(drawn) == sorted(names)
    rows = sorted(drawn.values(), key=lambda r: r.top())
    assert all(upper.bottom() <= lower.top() for upper, lower in zip(rows, rows[1:]))
    DOCS.mkdir(exist_ok=True)
    assert w.grab().save(str(DOCS / "many-tracks.png"))
