"""From a file to a project: scripts, subtitles and SSML, with casting, languages and readable symbols.

What a render needs to report on and export besides the project travels alongside it in a Script: for each
segment its cue (number, planned times, the subtitle text as shown), and the cues that were not spoken (sound
descriptions, lyrics), which the exported subtitles keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from studio.core.analysis import AnalysisError
from studio.core.labels import key
from studio.core.language import language_from_filename, primary, script_language
from studio.core.lines import Line
from studio.core.model import Project
from studio.core.project_io import is_project_file
from studio.core.project_io import load as load_project
from studio.core.script import NARRATOR, parse_script, split_sentences
from studio.core.spoken import read_symbols
from studio.engine.voices.registry import VoiceRegistry
from studio.interchange import ssml
from studio.interchange.detect import sniff
from studio.interchange.subtitles import LYRICS, SOUND, Cue, arrange, read_subtitles
from studio.interchange.text_script import ImportError_, read_text_file

from studio.production.casting import Casting
from studio.production.importing import Prefer, build_project, reanalyse, revoice

LYRICS_MODES = ("skip", "speak", "sing")
SING_PITCH_ST = (0.0, 2.0, 4.0, 2.0)  # a chant: pitch steps word by word, vowels held longer
SING_STRETCH = 1.35


@dataclass(frozen=True)
class CueInfo:
    number: int
    start: float
    end: float
    display: str  # the subtitle text as it is exported (sound descriptions kept)
    labelled: bool = True  # the cue names its speaker (an unlabelled file's cues are exported without a name)


@dataclass
class Options:
    voice: str | None = None
    voice_map: dict[str, str] = field(default_factory=dict)
    cast: dict[str, str] = field(default_factory=dict)  # speaker name -> voice (--cast), before any default
    remember: bool = True  # remember each speaker's voice for the next import (user data)
    speakers: list[str] | None = None  # subtitle labels to accept, in track order (LABEL or LABEL=Track)
    lyrics: str = "skip"
    language: str | None = None  # None: from the file name (film.es.srt), xml:lang, or English
    prefer: Prefer | None = None  # the editor's voice per speaker name, over the cast (not for --cast names)


@dataclass
class Script:
    project: Project
    kind: str  # project, ssml, srt, vtt or text
    cues: dict[str, CueInfo] = field(default_factory=dict)  # segment id -> its cue
    unspoken: list[Cue] = field(default_factory=list)  # sound-only cues and skipped lyrics, kept in subtitles
    sounds: int = 0  # sound descriptions taken out of speech
    lyrics_skipped: int = 0


def cast_by(casting: Casting, vendor: bool = False, default_name: str = NARRATOR):
    """Casting.track as production.importing asks for it. Non-Latin text names its own language, even where the
    file names another."""
    return lambda project, line: casting.track(project, line.speaker,
                                               script_language(line.text) or line.language or casting.language,
                                               vendor=vendor, default_name=default_name)


def read_aloud(line: Line, track) -> Line:
    """The line with & % # @ and currency symbols written out in its track's language."""
    return replace(line, text=read_symbols(line.text, track.language))


def build_text(text: str, casting: Casting, registry: VoiceRegistry, title: str = "", prefer=None) -> Project:
    """A narration or dialogue script (core.script), each line on its speaker's track in its language."""
    lines = parse_script(text, casting.language)
    if not lines:
        raise AnalysisError("There is no text to speak; give some words.")
    return build_project(lines, registry, title=title, cast=cast_by(casting), prefer=prefer, spoken=read_aloud)


def build_ssml(text: str, casting: Casting, registry: VoiceRegistry, notes: list[str], title: str = "",
               prefer=None) -> Project:
    sentences, warnings = ssml.parse(text)
    if not sentences:
        raise AnalysisError("The SSML has no text to speak.")
    project = Project(title=title, voice_map=dict(casting.voice_map))  # kept: the mapping is a project setting
    build_project(ssml.lines(sentences), registry, project=project, cast=cast_by(casting, vendor=True, default_name="Voice"),
                  lexicon=ssml.lexicon(sentences), prefer=prefer,
                  spoken=lambda line, track: ssml.spoken_line(line, track.language),
                  finish=lambda seg, line: ssml.apply_prosody(seg, line, warnings))
    notes.extend(f"SSML: {w}" for w in warnings)
    return project


def build_subtitles(cues: list[Cue], casting: Casting, registry: VoiceRegistry, lyrics: str = "skip",
                    title: str = "", prefer=None) -> Script:
    script = Script(Project(title=title), "subtitles")
    # One segment per turn of speech: a cue is the unit that has a slot (long cues stay one segment); what is not
    # spoken gives its time to the speech of its cue and is shown with it (subtitles.arrange).
    script.sounds = sum(cue.sounds for cue in cues)
    script.lyrics_skipped = sum(cue.kind == LYRICS for cue in cues) if lyrics == "skip" else 0
    spoken, script.unspoken = arrange(cues, speak_lyrics=lyrics != "skip")
    project = build_project([Line(cue.speaker, cue.text, start=cue.start, end=cue.end) for cue in spoken],
                            registry, project=script.project, cast=cast_by(casting), prefer=prefer, spoken=read_aloud)
    for cue, seg in zip(spoken, project.segments):
        if cue.kind == LYRICS and lyrics == "sing":
            for i, word in enumerate(w for w in seg.words if not w.is_pause):
                for p in word.phonemes:
                    p.pitch_st = SING_PITCH_ST[i % len(SING_PITCH_ST)]
                    p.duration_scale = SING_STRETCH
        script.cues[seg.id] = CueInfo(cue.number, cue.start, cue.end, cue.display or cue.text,
                                      labelled=cue.speaker is not None)
    if not project.segments:
        raise AnalysisError(f"{title or 'The file'} has no cues with speech to render (only sound descriptions "
                            "or lyrics; use --lyrics speak to voice the lyrics).")
    return script


@dataclass(frozen=True)
class Source:
    """A file to import, read and recognised once: its kind (project, ssml, srt, vtt or text) and its text
    (empty for a project, which core.project_io reads)."""
    path: Path
    kind: str
    text: str = ""


def read(path: Path) -> Source:
    """The file, read and its kind decided by content (interchange.detect). A project is known by its content,
    whatever its name: a project saved without an extension must never be read aloud as a script."""
    path = Path(path)
    if path.suffix.lower() == ".json" or is_project_file(path):
        return Source(path, "project")
    text = read_text_file(path)
    return Source(path, sniff(path, text), text)


def load(path: Path | Source, options: Options, registry: VoiceRegistry, notes: list[str]) -> Script:
    """The project a file describes, by its content, cast with `options`."""
    source = path if isinstance(path, Source) else read(path)
    if source.kind == "project":
        if options.voice:
            notes.append("--voice is ignored for a project file: each track keeps its own voice.")
        project = load_project(source.path)
        registry.use_designs(project.designs)  # its designed voices are found by name, even if not in the library
        if options.prefer is not None:
            reanalyse(project, registry, revoice(project, options.prefer))
        return Script(project, "project")
    language = primary(options.language or language_from_filename(source.path.name) or "en")
    casting = Casting(registry, options.voice, notes, options.voice_map, language, options.cast, options.remember)
    script = _build(source, options, casting, registry, notes)
    casting.save_choices()
    return script


def speakers_of(path: Path, text: str, options: Options, kind: str | None = None) -> tuple[str, list[str]]:
    """(the file's kind, the speakers it names in order of first line), read without analysing anything, so that
    the editor can ask how to cast them before the import. SSML names vendor voices; a mix names no character.
    `kind`, where the file was already recognised (read), is not decided again."""
    if kind == "project" or kind is None and (path.suffix.lower() == ".json" or is_project_file(path)):
        return "project", []
    kind = kind or sniff(path, text)
    if kind in ("srt", "vtt"):
        names = [c.speaker for c in read_subtitles(path, text, options.speakers, kind) if c.kind != SOUND]
    elif kind == "ssml":
        names = [s.voice for s in ssml.parse(text)[0]]
    else:
        names = [line.speaker for line in parse_script(text, options.language or "en")]
    names = [n for n in names if n and not n.startswith("mix:")]
    return kind, list(dict.fromkeys(names))


def _build(source: Source, options: Options, casting: Casting, registry: VoiceRegistry, notes: list[str]) -> Script:
    path, text, kind, prefer = source.path, source.text, source.kind, options.prefer
    if kind in ("srt", "vtt"):
        cues = read_subtitles(path, text, options.speakers, kind)
        script = build_subtitles(cues, casting, registry, options.lyrics, title=path.stem, prefer=prefer)
        script.kind = kind
        if options.speakers:  # the tracks in the order --speakers gives them: stems, TextGrid tiers, OTIO tracks
            rank = {key((item.partition("=")[2] or item.partition("=")[0]).strip()): i
                    for i, item in enumerate(options.speakers)}
            script.project.tracks.sort(key=lambda t: rank.get(key(t.name.split(" (")[0]), len(rank)))
        notes.append(f"speakers: {_cast_list(script.project)} (correct them with --speakers A,B,...; choose "
                     "voices with --cast NAME=VOICE)")
        if script.sounds or script.unspoken:
            notes.append(f"{script.sounds} sound description(s) were not spoken and are kept in the subtitles; "
                         f"{script.lyrics_skipped} lyric cue(s) were skipped"
                         + (" (--lyrics speak or sing voices them)." if script.lyrics_skipped else "."))
        return script
    if kind == "ssml":
        return Script(build_ssml(text, casting, registry, notes, title=path.stem, prefer=prefer), "ssml")
    if not split_sentences(text):
        raise ImportError_(f"{path.name} has no text to speak.")
    script = Script(build_text(text, casting, registry, title=path.stem, prefer=prefer), "text")
    if len(script.project.tracks) > 1:
        notes.append(f"speakers: {_cast_list(script.project)} (choose voices with --cast NAME=VOICE)")
    return script


def _cast_list(project) -> str:
    """"ALICE (Joe), BOB (Hibari)": each track with the voice it was cast, so the user sees the casting."""
    from studio.production.casting import spec_of

    return ", ".join(f"{t.name} ({spec_of(t.voice, t.mix)})" for t in sorted(project.tracks, key=lambda t: t.name))
