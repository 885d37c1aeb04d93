"""Commands on project-wide settings and per-line controls: the lexicon, pauses, line controls and silences,
the reference audio and video. Each is one undo step; the structure commands (rows, tracks) are in commands.py and
structure.py."""

from __future__ import annotations

from typing import Any

from studio.core.commands import Command, SetSegmentField
from studio.core.lexicon import check_entry
from studio.core.model import MAX_PAUSE_S, LineControls, PauseSettings, Project, clamp


class _SetProjectAttr(Command):
    def __init__(self, attr: str, value: Any, text: str, touches_all: bool):
        self.attr, self.value, self.text, self.touches_all = attr, value, text, touches_all
        self.old: Any = None
        self._have_old = False

    def redo(self, project: Project) -> None:
        if not self._have_old:
            self.old, self._have_old = getattr(project, self.attr), True
        setattr(project, self.attr, self.value)

    def undo(self, project: Project) -> None:
        setattr(project, self.attr, self.old)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for s in project.segments} if self.touches_all else set()


def set_pauses(pauses: PauseSettings) -> Command:
    return _SetProjectAttr("pauses", pauses, "Pause lengths", touches_all=True)


def set_reference_audio(path: str | None) -> Command:
    return _SetProjectAttr("reference_audio", path, "Reference audio" if path else "Remove reference audio", False)


def set_reference_video(path: str | None) -> Command:
    return _SetProjectAttr("reference_video", path, "Reference video" if path else "Remove reference video", False)


class SetVideoOffset(_SetProjectAttr):
    """The video's time at project 0. Spinning the box gives many small steps; they merge into one undo step."""

    merge_key = ("video_offset",)

    def __init__(self, seconds: float):
        from studio.core.model import MAX_TIMELINE_S

        seconds = round(clamp(float(seconds), -MAX_TIMELINE_S, MAX_TIMELINE_S), 3)
        super().__init__("video_offset", seconds, f"Video offset {seconds:+.3f} s", False)

    def merge(self, other: Command) -> bool:
        self.value = other.value
        self.text = other.text
        return True


class SetLexiconEntry(Command):
    """Add, change or (with None) remove a word of the project's pronunciation lexicon. Re-analysing the lines
    that contain the word is a separate command in the same macro (the analysis needs a voice)."""

    def __init__(self, word: str, pronunciation: str | None):
        if pronunciation is None:
            self.word, self.pron = " ".join(str(word).split()), None
            self.text = f"Remove pronunciation of '{self.word}'"
        else:
            self.word, self.pron = check_entry(word, pronunciation)
            self.text = f"Pronounce '{self.word}' as {self.pron}"
        self.old: tuple[str, str] | None = None
        self._have_old = False

    def _key(self, project: Project) -> str:
        return next((k for k in project.lexicon if k.lower() == self.word.lower()), self.word)

    def redo(self, project: Project) -> None:
        key = self._key(project)
        if not self._have_old:
            self.old = (key, project.lexicon[key]) if key in project.lexicon else None
            self._have_old = True
        project.lexicon.pop(key, None)
        if self.pron is not None:
            project.lexicon[self.word] = self.pron

    def undo(self, project: Project) -> None:
        project.lexicon.pop(self._key(project), None)
        if self.old is not None:
            project.lexicon[self.old[0]] = self.old[1]


def set_line_controls(segment_id: str, controls: LineControls, mergeable: bool = True) -> SetSegmentField:
    return SetSegmentField(segment_id, "controls", controls, "Line controls", mergeable)


def set_silence(segment_id: str, before: float | None, after: float | None) -> Command:
    from studio.core.commands import Macro

    def seconds(v):
        return None if v is None else clamp(float(v), 0.0, MAX_PAUSE_S)
    return Macro([SetSegmentField(segment_id, "gap_before", seconds(before), "Silence before"),
                  SetSegmentField(segment_id, "gap_after", seconds(after), "Silence after")], "Silence around line")


def _marker_name(name: str) -> str:
    return " ".join(str(name).split())[:200]


def _marker_time(time: float) -> float:
    from studio.core.model import MAX_TIMELINE_S

    return round(clamp(float(time), 0.0, MAX_TIMELINE_S), 3)


def add_marker(project: Project, time: float, name: str) -> Command:
    """A marker at `time` (kept in time order); the name is trimmed, and an empty one is numbered."""
    from studio.core.model import Marker

    name = _marker_name(name) or f"Marker {len(project.markers) + 1}"
    marker = Marker(_marker_time(time), name)
    markers = sorted([*project.markers, marker], key=lambda m: m.time)
    return _SetProjectAttr("markers", markers, f"Add marker '{name}' at {marker.time:.2f} s", False)


def rename_marker(project: Project, index: int, name: str) -> Command:
    """Raises ValueError, in a sentence for the user, for a name that is empty once trimmed: unlike a new marker,
    a renamed one has a name the user chose, which a number would silently throw away."""
    from dataclasses import replace

    old = project.markers[index]
    name = _marker_name(name)
    if not name:
        raise ValueError(f"A marker needs a name, so '{old.name}' keeps its own.")
    markers = [replace(m, name=name) if i == index else m for i, m in enumerate(project.markers)]
    return _SetProjectAttr("markers", markers, f"Rename marker '{old.name}' to '{name}'", False)


def move_marker(project: Project, index: int, time: float) -> Command:
    """The marker at `index` to `time`; the list is re-sorted, so its index may change."""
    from dataclasses import replace

    old = project.markers[index]
    moved = replace(old, time=_marker_time(time))
    markers = sorted([moved if i == index else m for i, m in enumerate(project.markers)], key=lambda m: m.time)
    return _SetProjectAttr("markers", markers, f"Move marker '{old.name}' to {moved.time:.2f} s", False)


def nearest_marker(project: Project, time: float) -> int | None:
    """The index of the marker closest to `time`, or None without markers."""
    markers = project.markers
    return min(range(len(markers)), key=lambda i: abs(markers[i].time - time)) if markers else None


def remove_marker(project: Project, index: int) -> Command:
    marker = project.markers[index]
    markers = [m for i, m in enumerate(project.markers) if i != index]
    return _SetProjectAttr("markers", markers, f"Remove marker '{marker.name}'", False)


def next_marker(project: Project, time: float, forward: bool = True):
    """The first marker after `time` (or the last one before it), or None; markers within 1 ms count as here."""
    if forward:
        return next((m for m in project.markers if m.time > time + 1e-3), None)
    return next((m for m in reversed(project.markers) if m.time < time - 1e-3), None)
