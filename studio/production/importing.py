"""One import path: the plain lines of any reader (script, dialogue, subtitles, SSML) become a project.

Every line is cast to its track first, then the lines are told to the voice in one batch and analysed
(core.analysis.analyze_all, so a voice on a GPU analyses them together), and each becomes a segment. What only one
format needs (SSML prosody on the phonemes, a subtitle's sung lyrics) is the caller's `finish` or comes after.
"""

from __future__ import annotations

from typing import Callable

from studio.core.analysis import Analyzer, analyze_all
from studio.core.commands import AddSegment, AddTrack, Macro, RemoveTrack
from studio.core.lines import Line
from studio.core.model import Project, Segment, SpeakerMix, Track, VoiceRef, new_id
from studio.core.script import NARRATOR, track_for
from studio.engine.voices.backbone import LexiconAnalyzer

# cast(project, line) -> the line's track, made on first use.
Cast = Callable[[Project, Line], Track]
# prefer(track name) -> (voice, mix) the user wants for that speaker, or None to keep the cast one.
Prefer = Callable[[str], "tuple[VoiceRef, SpeakerMix] | None"]


def build_project(lines: list[Line], analyzer, voice: VoiceRef = VoiceRef(), speakers: list[str] | None = None,
                  title: str = "", *, cast: Cast | None = None, project: Project | None = None,
                  lexicon: dict[str, str] | None = None, prefer: Prefer | None = None,
                  spoken: Callable[[Line, Track], Line] | None = None,
                  finish: Callable[[Segment, Line], None] | None = None) -> Project:
    """`project` (a new one named `title` by default) with one segment per line, in order, added.

    - cast gives each line its track; by default every track speaks `voice`, track k with the k-th of `speakers`
      (cycling), so that the characters of a dialogue are told apart from the start.
    - prefer replaces a track's cast voice before anything is analysed (the editor's voice per speaker name).
    - lexicon holds pronunciations the file brings (SSML <phoneme>): they join the project's lexicon, where an
      entry the project already has for the word wins, so a later edit of the line says the word the same way.
    - spoken gives the line as its track's voice reads it (symbols written out); by default as written.
    - finish edits each analysed segment as its format asks (it gets the spoken line).
    """
    project = project if project is not None else Project(title=title)
    if lexicon:
        for word, pron in lexicon.items():
            if not any(k.lower() == word.lower() for k in project.lexicon):
                project.lexicon[word] = pron
        analyzer = LexiconAnalyzer(analyzer, lambda: project.lexicon)
    cast = cast or (lambda p, line: track_for(p, line.speaker, voice, speakers))
    placed = []  # (spoken line, track): every track is cast before any analysis, so the lines go in one batch
    for line in lines:
        track = cast(project, line)
        placed.append((spoken(line, track) if spoken else line, track))
    if prefer is not None:
        revoice(project, prefer)
    analysed = analyze_all(analyzer, [(line.text, track.voice, track.mix) for line, track in placed])
    for (line, track), words in zip(placed, analysed):
        seg = Segment(new_id(), line.text, track.id, words, start=line.start, slot=line.slot,
                      gap_before=line.gap_before, emotion=line.emotion, paragraph_start=line.paragraph_start)
        if finish is not None:
            finish(seg, line)
        project.segments.append(seg)
    return project


def revoice(project: Project, prefer: Prefer) -> list[Track]:
    """Give each track the voice `prefer` names for it; the tracks whose voice changed."""
    changed = []
    for track in project.tracks:
        chosen = prefer(track.name)
        if chosen is not None and (track.voice, track.mix) != chosen:
            track.voice, track.mix = chosen
            changed.append(track)
    return changed


def reanalyse(project: Project, analyzer, tracks: list[Track]) -> None:
    """Analyse the lines of `tracks` again, with their voices now (a project file opened with other voices)."""
    segments = [seg for track in tracks for seg in project.segments_of(track.id)]
    analysed = analyze_all(analyzer, [(seg.text, project.track(seg.track_id).voice, project.effective_mix(seg))
                                      for seg in segments])
    for seg, words in zip(segments, analysed):
        seg.words = words


def _speaker_track(project: Project, name: str | None, default: Track | None, voice: VoiceRef,
                   speakers: list[str] | None, new_tracks: list[Track], chosen=None) -> Track:
    if name is None and default is not None:
        return default
    name = name or NARRATOR
    found = project.track_named(name) or next((t for t in new_tracks if t.name == name), None)
    if found is not None:
        return found
    n = len(project.tracks) + len(new_tracks)
    mix = SpeakerMix.single(speakers[n % len(speakers)]) if speakers else SpeakerMix()
    preferred = chosen(name) if chosen else None  # the user's default voice for this speaker name
    if preferred is not None:
        voice, mix = preferred
    track = Track(id=new_id(), name=name, voice=voice, mix=mix)
    new_tracks.append(track)
    return track


def insert_lines(project: Project, index: int, lines: list[Line], analyzer: Analyzer, voice: VoiceRef,
                 speakers: list[str] | None = None, default_track_id: str | None = None, chosen=None) -> Macro:
    """Lines inserted at `index` in script order; a `NAME:` speaker gets its track (made if new, with the voice
    `chosen(name)` gives, else the next of `speakers`), a line without one goes to `default_track_id`."""
    if not lines:
        raise ValueError("There is no text to insert.")
    default = project.track(default_track_id) if default_track_id else (project.tracks[0] if project.tracks else None)
    new_tracks: list[Track] = []
    # The same path as an import: every speaker cast first, the lines analysed in one batch. The segments are
    # built on a scratch project and inserted into the open one as commands, so the paste is one undo step.
    scratch = build_project(lines, analyzer, cast=lambda _p, line: _speaker_track(
        project, line.speaker, default, voice, speakers, new_tracks, chosen))
    commands = [AddSegment(seg, index + k) for k, seg in enumerate(scratch.segments)]
    # A fresh project's empty default track that no pasted line went to (a dialogue pasted into a new project)
    # would stay behind as a silent, unused track: it goes in the same undo step.
    if (not project.segments and default is not None and len(project.tracks) == 1
            and all(seg.track_id != default.id for seg in scratch.segments)):
        commands.append(RemoveTrack(default.id))
    n = len(lines)
    return Macro([AddTrack(t) for t in new_tracks] + commands, f"Insert {n} line{'s' if n != 1 else ''}")
