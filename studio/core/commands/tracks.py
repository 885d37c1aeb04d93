"""Edits of tracks (speakers): their fields (voice, mix, name, gain, mute), and adding and removing them."""

from __future__ import annotations

from typing import Any

from studio.core.commands.base import Command, SetField
from studio.core.model import Project, Segment, SpeakerMix, Track, VoiceRef, clamp


class SetTrackField(SetField):
    kind = "track"

    def __init__(self, target_id: str, attr: str, value: Any, text: str, mergeable: bool = False):
        super().__init__(attr, value, text)
        self.target_id = target_id
        self.merge_key = (self.kind, target_id, attr) if mergeable else None

    def _target(self, project: Project) -> Track:
        return project.track(self.target_id)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for s in project.segments_of(self.target_id)}


def set_track_mix(track_id: str, mix: SpeakerMix, mergeable: bool = True) -> SetTrackField:
    return SetTrackField(track_id, "mix", mix, "Track voice mix", mergeable)


def set_track_voice(track_id: str, voice: VoiceRef) -> SetTrackField:
    return SetTrackField(track_id, "voice", voice, f"Voice {voice.model}")


def rename_track(track_id: str, name: str) -> SetTrackField:
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("a track needs a name")
    return SetTrackField(track_id, "name", name, f"Rename track to {name}")


def set_track_gain(track_id: str, gain_db: float, mergeable: bool = True) -> SetTrackField:
    return SetTrackField(track_id, "gain_db", clamp(float(gain_db), -60.0, 24.0), "Track gain", mergeable)


def set_track_muted(track_id: str, muted: bool) -> SetTrackField:
    return SetTrackField(track_id, "muted", bool(muted), "Mute track" if muted else "Unmute track")


class AddTrack(Command):
    def __init__(self, track: Track, index: int | None = None):
        self.track, self.index, self.text = track, index, f"Add track {track.name}"

    def redo(self, project: Project) -> None:
        if any(t.id == self.track.id for t in project.tracks):
            raise ValueError(f"a track with id {self.track.id!r} exists already")
        index = len(project.tracks) if self.index is None else max(0, min(self.index, len(project.tracks)))
        self.index = index
        project.tracks.insert(index, self.track)

    def undo(self, project: Project) -> None:
        project.tracks.remove(self.track)


class RemoveTrack(Command):
    """Remove a track together with its segments; undo puts every segment back in its place."""

    def __init__(self, track_id: str):
        self.track_id, self.text = track_id, "Remove track"
        self.track_index: int | None = None
        self.track: Track | None = None
        self.removed: list[tuple[int, Segment]] = []

    def redo(self, project: Project) -> None:
        self.track = project.track(self.track_id)
        self.track_index = project.tracks.index(self.track)
        self.removed = [(i, s) for i, s in enumerate(project.segments) if s.track_id == self.track_id]
        project.segments[:] = [s for s in project.segments if s.track_id != self.track_id]
        project.tracks.pop(self.track_index)

    def undo(self, project: Project) -> None:
        project.tracks.insert(self.track_index, self.track)
        for i, seg in self.removed:  # ascending order, so each index is right when it is inserted
            project.segments.insert(i, seg)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for _, s in self.removed}
