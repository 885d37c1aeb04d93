"""Project files: versioned JSON, written atomically, read with one clear error for anything wrong.

The format is documented in docs/project-format.md. A file carries `format` and `schema_version`; older
versions are brought up to date by the functions in MIGRATIONS, one step at a time, before they are parsed.
Reading never writes: a bad file stays exactly as it was on disk.
"""

from __future__ import annotations

import glob
import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable

from studio.core.errors import UserError
from studio.core.design import Design, DesignError, check_name, is_inline, parse_inline
from studio.core.emotion import EmotionPreset
from studio.core.lexicon import LexiconError, check_entry
from studio.core.files import read_capped
from studio.core import voice_names
from studio.core.model import (DURATION_SCALE_RANGE, EMOTIONS, ENERGY_LIMIT_DB, INTONATION_RANGE, MAX_EMOTION_INTENSITY,
                               MAX_PAUSE_S, MAX_TIMELINE_S, PITCH_LIMIT_ST, SPEED_RANGE, Emotion, LineControls,
                               PauseSettings, Marker, Phoneme, Project, Segment, SpeakerMix, Track, VoiceRef, Word)

FORMAT = "speech-studio-project"
SCHEMA_VERSION = 2
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_INT = 2**63 - 1  # every integer field (seeds) fits a 64-bit integer; larger ones overflow numpy and C

# MIGRATIONS[n] turns a version-n document (a dict) into a version-(n+1) one.
# Version 2 added the lexicon, pause settings, line controls, silence after a line, paragraph starts and the
# reference audio, all optional with defaults, so a version-1 document needs no change. Designed voices
# ("designs") came later, optional too: a file without them reads as before. So did markers, and the reference
# video with its offset.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: lambda doc: doc}


class ProjectFileError(UserError):
    """The message is one sentence that says what is wrong and what to do."""


# ---- writing -----------------------------------------------------------------------------------------------------

def _mix(mix: SpeakerMix | None) -> dict[str, float] | None:
    return None if mix is None else mix.as_dict()


def to_dict(project: Project) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "title": project.title,
        "tracks": [
            {"id": t.id, "name": t.name, "voice": {"backbone": t.voice.backbone, "model": t.voice.model},
             "mix": _mix(t.mix), "gain_db": t.gain_db, "muted": t.muted, "language": t.language}
            for t in project.tracks
        ],
        "segments": [
            {"id": s.id, "text": s.text, "track": s.track_id, "start": s.start, "gap_before": s.gap_before,
             "slot": s.slot,
             "emotion": {"name": s.emotion.name, "intensity": s.emotion.intensity},
             "mix": _mix(s.mix), "seed": s.seed, **_segment_extras(s),
             "words": [_word_dict(w) for w in s.words]}
            for s in project.segments
        ],
        "voice_library": {name: mix.as_dict() for name, mix in project.voice_library.items()},
        "emotion_presets": {name: preset.as_dict() for name, preset in project.emotion_presets.items()},
        "voice_map": dict(project.voice_map),
        "lexicon": dict(project.lexicon),
        "pauses": {"comma": project.pauses.comma, "sentence": project.pauses.sentence,
                   "question": project.pauses.question, "paragraph": project.pauses.paragraph},
        "reference_audio": project.reference_audio,
        "reference_video": project.reference_video,
        "video_offset": project.video_offset,
        "designs": {name: d.as_dict() for name, d in project.designs.items()},
        "markers": [{"time": m.time, "name": m.name} for m in project.markers],
    }


def _segment_extras(s: Segment) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if not s.controls.is_default:
        c = s.controls
        d["controls"] = {"speed": c.speed, "volume_db": c.volume_db, "pitch_st": c.pitch_st,
                         "intonation": c.intonation}
    if s.gap_after is not None:
        d["gap_after"] = s.gap_after
    if s.paragraph_start:
        d["paragraph_start"] = True
    if s.proof_dismissed:
        d["proof_dismissed"] = [[i, text] for i, text in s.proof_dismissed]
    return d


def _read_dismissed(items: list, where: str) -> tuple[tuple[int, str], ...]:
    out = []
    for item in items:
        if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is int and 0 <= item[0] < 100_000
                and isinstance(item[1], str)):
            raise _Bad(f"{where}: each dismissed proof flag should be [word index, word text]")
        out.append((item[0], item[1]))
    return tuple(sorted(set(out)))


def _word_dict(w: Word) -> dict[str, Any]:
    d: dict[str, Any] = {"text": w.text, "phonemes": [_phoneme_dict(p) for p in w.phonemes]}
    if w.emotion_intensity is not None:
        d["emotion_intensity"] = w.emotion_intensity
    return d


def _phoneme_dict(p: Phoneme) -> dict[str, Any]:
    d: dict[str, Any] = {"symbol": p.symbol, "duration": p.duration, "pitch": p.pitch, "energy": p.energy}
    # Edits are written only when set, which keeps files of unedited scripts small and diffs readable.
    if p.duration_scale != 1.0:
        d["duration_scale"] = p.duration_scale
    if p.pitch_st != 0.0:
        d["pitch_st"] = p.pitch_st
    if p.energy_db != 0.0:
        d["energy_db"] = p.energy_db
    if p.locked:
        d["locked"] = True
    return d


def dumps(project: Project) -> str:
    return json.dumps(to_dict(project), ensure_ascii=False, indent=1, allow_nan=False)


STALE_TEMP_S = 600  # no save takes ten minutes: a temp file this old belongs to a save that was killed


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Temp files of earlier saves of this file that were killed before their rename (a save in progress in
    another process is younger than STALE_TEMP_S and is left alone)."""
    import time

    for tmp in folder.glob(f".{glob.escape(name)}.*.tmp"):
        try:
            if time.time() - tmp.stat().st_mtime > STALE_TEMP_S:
                tmp.unlink()
        except OSError:
            pass


def save(project: Project, path: str | os.PathLike) -> None:
    """Write atomically: a temp file in the same folder, fsync, then rename over the target.

    A crash at any point leaves either the old file or the new one, never a mix.
    """
    path = Path(path)
    data = dumps(project).encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    _remove_stale_temps(folder, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp creates the file 0600; give it the target's mode, or the usual umask default for a new file.
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


# ---- reading -----------------------------------------------------------------------------------------------------

class _Bad(Exception):
    pass


def _get(d: Any, key: str, kind: type | tuple, where: str, default: Any = ...) -> Any:
    if not isinstance(d, dict):
        raise _Bad(f"{where} should be an object")
    if key not in d:
        if default is ...:
            raise _Bad(f"{where} has no '{key}'")
        return default
    value = d[key]
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"'{key}' in {where} should be a number")
        try:
            value = float(value)  # an integer of 400 digits does not fit a float
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise _Bad(f"'{key}' in {where} is not a finite number")
        return value
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Bad(f"'{key}' in {where} has the wrong type")
    if kind is int and not -MAX_INT <= value <= MAX_INT:
        raise _Bad(f"'{key}' in {where} is a number too large to be meant")
    return value


def _bounded(d: dict, key: str, where: str, lo: float, hi: float, default: float) -> float:
    value = _get(d, key, float, where, default)
    if not lo <= value <= hi:
        raise _Bad(f"'{key}' in {where} is {value}, outside {lo}..{hi}")
    return value


def _read_mix(value: Any, where: str) -> SpeakerMix | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(f"the mix of {where} should be an object of weights")
    try:
        return SpeakerMix.of(value)
    except (TypeError, ValueError) as exc:
        raise _Bad(f"the mix of {where} is invalid: {exc}") from None


def _read_phoneme(d: Any, where: str) -> Phoneme:
    return Phoneme(
        symbol=_get(d, "symbol", str, where),
        duration=_bounded(d, "duration", where, 0.0, 3600.0, ...),
        pitch=_bounded(d, "pitch", where, 0.0, 20000.0, 0.0),
        energy=_bounded(d, "energy", where, -400.0, 400.0, 0.0),
        duration_scale=_bounded(d, "duration_scale", where, *DURATION_SCALE_RANGE, 1.0),
        pitch_st=_bounded(d, "pitch_st", where, -PITCH_LIMIT_ST, PITCH_LIMIT_ST, 0.0),
        energy_db=_bounded(d, "energy_db", where, -ENERGY_LIMIT_DB, ENERGY_LIMIT_DB, 0.0),
        locked=_get(d, "locked", bool, where, False),
    )


def _optional_time(d: dict, key: str, where: str) -> float | None:
    if d.get(key) is None:
        return None
    return _bounded(d, key, where, 0.0, float(MAX_TIMELINE_S), ...)


def from_dict(doc: Any) -> Project:
    """Parse a document of the current schema version. Raises ProjectFileError."""
    try:
        bad = _lone_surrogate(doc)
        if bad is not None:
            raise _Bad(f"the text \"{bad}\" is not valid Unicode (a lone surrogate)")
        return _from_dict(doc)
    except _Bad as exc:
        raise ProjectFileError(f"This project file is damaged ({exc}); open a backup or re-import the script.") \
            from None
    except (ArithmeticError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        # Whatever a value the checks above did not foresee does to the model's constructors: still one sentence.
        raise ProjectFileError(f"This project file is damaged (a value cannot be read: {type(exc).__name__}); "
                               "open a backup or re-import the script.") from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(doc: Any) -> str | None:
    """The first string (key or value) holding a lone surrogate, which no file can store as UTF-8: JSON can
    spell one (\\ud800), and it would fail at the first save or export. Iterative, so depth is no issue."""
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return _SURROGATE.sub("\ufffd", item)[:40]
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _from_dict(doc: Any) -> Project:
    project = Project(title=_get(doc, "title", str, "the project", ""))
    for name, preset in _get(doc, "emotion_presets", dict, "the project", {}).items():
        if not isinstance(preset, dict):
            raise _Bad(f"emotion preset '{name}' should be an object")
        try:
            project.emotion_presets[name] = EmotionPreset.from_dict(preset)
        except ValueError as exc:
            raise _Bad(f"emotion preset '{name}': {exc}") from None
    for i, t in enumerate(_get(doc, "tracks", list, "the project")):
        where = f"track {i + 1}"
        voice = _get(t, "voice", dict, where, {})
        project.tracks.append(Track(
            id=_get(t, "id", str, where), name=_get(t, "name", str, where),
            voice=VoiceRef(_get(voice, "backbone", str, where, voice_names.EMBEDDED),
                           _get(voice, "model", str, where, voice_names.EMBEDDED_MODEL)),
            mix=_read_mix(t.get("mix"), where) or SpeakerMix(),
            gain_db=_bounded(t, "gain_db", where, -60.0, 24.0, 0.0), muted=_get(t, "muted", bool, where, False),
            language=_get(t, "language", str, where, "en")))
    if len({t.id for t in project.tracks}) != len(project.tracks):
        raise _Bad("two tracks share an id")
    track_ids = {t.id for t in project.tracks}
    for i, s in enumerate(_get(doc, "segments", list, "the project")):
        where = f"segment {i + 1}"
        track_id = _get(s, "track", str, where)
        if track_id not in track_ids:
            raise _Bad(f"{where} belongs to a track that does not exist")
        emo = _get(s, "emotion", dict, where, {})
        name = _get(emo, "name", str, where, "neutral")
        if name not in EMOTIONS and name not in project.emotion_presets:
            raise _Bad(f"{where} has an unknown emotion '{name}'")
        words = []
        for j, w in enumerate(_get(s, "words", list, where)):
            wwhere = f"word {j + 1} of {where}"
            intensity = w.get("emotion_intensity") if isinstance(w, dict) else None
            phonemes = [_read_phoneme(p, wwhere) for p in _get(w, "phonemes", list, wwhere)]
            if not phonemes:  # every analysis gives a word at least one phoneme; timing and exports rely on it
                raise _Bad(f"{wwhere} has no phonemes")
            words.append(Word(text=_get(w, "text", str, wwhere),
                              phonemes=phonemes,
                              emotion_intensity=None if intensity is None else _bounded(
                                  w, "emotion_intensity", wwhere, 0.0, MAX_EMOTION_INTENSITY, ...)))
        project.segments.append(Segment(
            id=_get(s, "id", str, where), text=_get(s, "text", str, where), track_id=track_id, words=words,
            start=_optional_time(s, "start", where), slot=_optional_time(s, "slot", where),
            gap_before=_optional_time(s, "gap_before", where),
            emotion=Emotion(name, _bounded(emo, "intensity", where, 0.0, MAX_EMOTION_INTENSITY, 1.0)),
            mix=_read_mix(s.get("mix"), where), seed=_get(s, "seed", int, where, 0),
            controls=_read_controls(_get(s, "controls", dict, where, {}), where),
            gap_after=_optional_time(s, "gap_after", where),
            paragraph_start=_get(s, "paragraph_start", bool, where, False),
            proof_dismissed=_read_dismissed(_get(s, "proof_dismissed", list, where, []), where)))
    if len({s.id for s in project.segments}) != len(project.segments):
        raise _Bad("two segments share an id")
    for name, mix in _get(doc, "voice_library", dict, "the project", {}).items():
        project.voice_library[name] = _read_mix(mix, f"saved mix '{name}'") or SpeakerMix()
    for name, local in _get(doc, "voice_map", dict, "the project", {}).items():
        if not isinstance(local, str):
            raise _Bad(f"the voice map entry '{name}' should name a local voice")
        project.voice_map[name] = local
    for word, pron in _get(doc, "lexicon", dict, "the project", {}).items():
        if not isinstance(pron, str):
            raise _Bad(f"the lexicon entry '{word}' should be text")
        try:
            word, pron = check_entry(word, pron)
        except LexiconError as exc:
            raise _Bad(f"lexicon entry '{word}': {exc}") from None
        project.lexicon[word] = pron
    pauses = _get(doc, "pauses", dict, "the project", {})
    project.pauses = PauseSettings(
        comma=None if pauses.get("comma") is None else _bounded(pauses, "comma", "the pauses", 0.0, MAX_PAUSE_S, ...),
        sentence=_bounded(pauses, "sentence", "the pauses", 0.0, MAX_PAUSE_S, 0.3),
        question=_bounded(pauses, "question", "the pauses", 0.0, MAX_PAUSE_S, 0.3),
        paragraph=_bounded(pauses, "paragraph", "the pauses", 0.0, MAX_PAUSE_S, 0.8))
    ref = doc.get("reference_audio")
    if ref is not None and not isinstance(ref, str):
        raise _Bad("'reference_audio' should be a file name")
    project.reference_audio = ref
    video = doc.get("reference_video")
    if video is not None and not isinstance(video, str):
        raise _Bad("'reference_video' should be a file name")
    project.reference_video = video
    project.video_offset = _bounded(doc, "video_offset", "the project", -MAX_TIMELINE_S, MAX_TIMELINE_S, 0.0)
    for name, d in _get(doc, "designs", dict, "the project", {}).items():
        try:
            project.designs[check_name(name)] = Design.from_dict(d, name)
        except DesignError as exc:
            raise _Bad(f"designed voice '{name}': {str(exc).rstrip('.')}") from None
    for i, m in enumerate(_get(doc, "markers", list, "the project", [])):  # optional: older files have none
        where = f"marker {i + 1}"
        if not isinstance(m, dict):
            raise _Bad(f"{where} should be an object with a time and a name")
        name = _get(m, "name", str, where, "")
        project.markers.append(Marker(_bounded(m, "time", where, 0.0, MAX_TIMELINE_S, ...), name[:200]))
    project.markers.sort(key=lambda m: m.time)
    return project


def _read_controls(d: dict, where: str) -> LineControls:
    return LineControls(speed=_bounded(d, "speed", where, *SPEED_RANGE, 1.0),
                        volume_db=_bounded(d, "volume_db", where, -ENERGY_LIMIT_DB, ENERGY_LIMIT_DB, 0.0),
                        pitch_st=_bounded(d, "pitch_st", where, -PITCH_LIMIT_ST, PITCH_LIMIT_ST, 0.0),
                        intonation=_bounded(d, "intonation", where, *INTONATION_RANGE, 1.0))


def migrate(doc: dict) -> dict:
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProjectFileError("This project file has no valid schema_version; it may not be a Speech Studio project.")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(f"This project was saved by a newer Speech Studio (schema {version}, this one reads up "
                               f"to {SCHEMA_VERSION}); update Speech Studio to open it.")
    if version < 1:
        raise ProjectFileError(f"This project has an unknown schema version {version}; it cannot be opened.")
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["schema_version"] = version
    return doc


def loads(text: str) -> Project:
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise ProjectFileError(f"This project file is not valid JSON ({exc}); it may be truncated. "
                               "Open a backup or the autosave instead.") from None
    except RecursionError:
        raise ProjectFileError("This project file is nested too deeply to be a Speech Studio project.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProjectFileError("This file is not a Speech Studio project; import scripts with File > Import instead.")
    return from_dict(migrate(doc))


def is_project_file(path: str | os.PathLike) -> bool:
    """Whether a file is a Speech Studio project, judged by its content and not its name: a JSON object whose
    first key is our format tag (every save writes it first). Reads a few hundred bytes."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # opening a FIFO would block
            return False
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return text.startswith("{") and f'"format": "{FORMAT}"' in text.replace('":"', '": "')


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed in a project file")


def load(path: str | os.PathLike) -> Project:
    path = Path(path)
    raw = read_capped(path, MAX_FILE_BYTES, "a project file", ProjectFileError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProjectFileError(f"{path.name} is not a text file, so it is not a Speech Studio project.") from None
    project = loads(text)
    check_paths(project, path.resolve().parent)
    return project


def check_paths(project: Project, folder: Path) -> None:
    """Refuse voices that point outside the project's folder, so that a project from elsewhere cannot make the
    app read arbitrary files. A relative model path must stay inside the folder (it is made absolute here); an
    absolute one must be a model folder (config.json beside a checkpoint). Zoo names are not paths."""
    for name, design in project.designs.items():
        if not voice_names.is_voice_name(design.base):
            raise ProjectFileError(f"The designed voice {name} is based on {design.base}, which is not a voice "
                                   "name; the project was not opened.")
    for track in project.tracks:
        voice = track.voice
        naming = voice_names.naming(voice.backbone)
        if naming == voice_names.NAMED:
            continue  # named voices, not paths
        if naming == voice_names.DESIGNED:
            _check_design_voice(project, track.name, voice.model)
            continue
        if naming != voice_names.MODEL:
            raise ProjectFileError(f"Track {track.name} uses an unknown voice backbone '{voice.backbone}'; "
                                   "the file may come from a newer Speech Studio.")
        if voice_names.is_zoo_name(voice.model):
            continue
        if voice_names.is_store_name(voice.model) and not (folder / voice.model).is_dir():
            continue  # a voice in the user's model store, looked up by name (engine/voices/coqui/store.py)
        target = Path(voice.model)
        if not target.is_absolute():
            target = (folder / target).resolve()
            if folder != target and folder not in target.parents:
                raise ProjectFileError(f"Track {track.name}'s voice points outside the project folder "
                                       f"({voice.model}); the project was not opened.")
        elif not (target.is_dir() and (target / "config.json").is_file()):
            raise ProjectFileError(f"Track {track.name}'s voice ({voice.model}) is not a model folder; the project "
                                   "was not opened.")
        track.voice = VoiceRef(voice.backbone, str(target))


def _check_design_voice(project: Project, track: str, model: str) -> None:
    """A designed voice is a name (the project's, the library's or the cast's) or an inline design; either way its
    base must be a voice name, never a path, so that a project cannot point a design at arbitrary files."""
    try:
        design = parse_inline(model) if is_inline(model) else project.designs.get(model)
        if design is None:
            check_name(model)  # looked up in the user's library and the cast when it is rendered
            return
    except DesignError as exc:
        raise ProjectFileError(f"Track {track}'s designed voice cannot be read: {exc}") from None
    if not voice_names.is_voice_name(design.base):
        raise ProjectFileError(f"Track {track}'s designed voice is based on {design.base}, which is not a voice "
                               "name; the project was not opened.")
