"""What a file's content credentials declare: made by a trained model (IPTC's digital source type), by which
software, with which voices under which licences, designed or mixed, for which project.

Anonymity comes first: when a recording of a person guided the timing and intonation (or sits in the project as
its reference), the manifest says only that; it names no file, holds no hash, thumbnail or ingredient of it,
unless the caller passes `disclose_recording` (the project's explicit opt-in).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field, replace

from studio.core.model import Project
from studio.core.voice_names import DESIGNED, naming

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SYNTHETIC = IPTC + "trainedAlgorithmicMedia"
COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"
LABEL = "org.speechstudio.synthetic-speech"  # our assertion: the voices, their licences, the guidance statement
GENERATOR = "Speech Studio"
GUIDANCE = "A recording of a person guided the timing and intonation of this speech; the voice is synthetic."


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return dist_version("speech-studio")
    except PackageNotFoundError:
        return "0.0.0+source"


@dataclass(frozen=True)
class VoiceCredit:
    name: str  # the voice as the project names it (a model, a cast or designed voice)
    kind: str  # "voice", "designed voice", "mix"
    speakers: tuple[tuple[str, float], ...]  # the mix's weights; one speaker at 1.0 for a plain voice
    license: str
    licence_lines: tuple[str, ...] = ()
    model: str = ""  # the model behind it, where that is not the name
    tracks: tuple[str, ...] = ()  # the ids of the tracks it speaks on: a stem declares its own voices only

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, **({"model": self.model} if self.model else {}),
                "speakers": [{"name": n, "weight": round(w, 4)} for n, w in self.speakers],
                "license": self.license, "licence_lines": list(self.licence_lines)}


@dataclass(frozen=True)
class Declaration:
    title: str  # the project's title
    voices: tuple[VoiceCredit, ...]
    guided: bool = False  # a recording of a person guided timing and intonation
    recorded_audio: bool = False  # recorded audio is mixed into the file itself
    disclose_recording: str | None = None  # the project's opt-in: the recording may be named
    created: str = field(default_factory=lambda: datetime.datetime.now(datetime.timezone.utc)
                         .isoformat(timespec="seconds"))

    @property
    def composite(self) -> bool:
        return self.guided or self.recorded_audio

    def for_tracks(self, track_ids) -> "Declaration":
        """The declaration of a file holding only these tracks (a stem, a clip)."""
        wanted = set(track_ids)
        return replace(self, voices=tuple(v for v in self.voices if wanted & set(v.tracks)))


@functools.lru_cache(maxsize=1)
def _catalog_lines() -> dict[str, tuple[str, ...]]:
    """Licence lines by voice name, from the catalogue's cheap parts (no Coqui zoo list, nothing loaded)."""
    from studio.engine.voices import catalog

    try:
        entries = catalog.store_entries() + catalog.hibari_entries() + catalog.embedded_entries()
        entries = catalog.cast_entries(entries) + catalog.library_entries(entries) + entries
    except Exception:  # noqa: BLE001 - the licence from the voice's capabilities still goes in
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for e in entries:
        out.setdefault(e["name"], tuple(e.get("licence_lines", [])))
    return out


def voices_of(project: Project, registry) -> tuple[VoiceCredit, ...]:
    """Every voice that speaks a line, once per (voice, mix), with its licence from the voice itself."""
    lines = _catalog_lines()
    seen: dict[tuple, VoiceCredit] = {}
    tracks: dict[tuple, list[str]] = {}
    for seg in project.segments:
        track = project.track(seg.track_id)
        mix = seg.mix if seg.mix is not None and not seg.mix.is_empty else track.mix
        weights = tuple(mix.weights) if not mix.is_empty else ((track.voice.model, 1.0),)
        key = (track.voice.backbone, track.voice.model, weights)
        if track.id not in tracks.setdefault(key, []):
            tracks[key].append(track.id)
        if key in seen:
            continue
        try:
            caps = registry.backbone(track.voice).capabilities()
            licence = caps.license + (f" ({caps.commercial_note})" if caps.commercial_note else "")
        except Exception:  # noqa: BLE001 - the voice spoke, so this is only its description failing
            licence = "unknown"
        designed = naming(track.voice.backbone) == DESIGNED  # the names module says how each family names voices
        kind = "mix" if len(weights) > 1 else "designed voice" if designed else "voice"
        extra = [*lines.get(track.voice.model, ())]
        for name, _ in weights:
            extra += [ln for ln in lines.get(name, ()) if ln not in extra]
        # A voice with one speaker is named by the speaker (en-us+f2 of espeak-ng); a mix by its model.
        name = weights[0][0] if len(weights) == 1 else track.voice.model
        seen[key] = VoiceCredit(name, kind, weights, licence, tuple(extra),
                                model=track.voice.model if name != track.voice.model else "")
    return tuple(replace(v, tracks=tuple(tracks[k])) for k, v in seen.items())


def declaration(project: Project, registry, guided: bool = False, disclose_recording: str | None = None
                ) -> Declaration:
    """What the files of this project declare. A project with a reference recording counts as guided: the
    recording may have shaped any line, and saying so reveals nothing of it."""
    guided = guided or bool(project.reference_audio)
    return Declaration(project.title or "", voices_of(project, registry), guided=guided,
                       disclose_recording=disclose_recording if guided else None)


def manifest(decl: Declaration, part: str, file_title: str) -> dict:
    """The C2PA manifest definition for one file; `part` says what the file is (the mix, a stem, a line)."""
    agent = {"name": GENERATOR, "version": version()}
    what = f"Synthetic speech made by {GENERATOR}: {part}" + (f" of '{decl.title}'" if decl.title else "") + "."
    data = {"synthetic": True, "part": part, "project_title": decl.title, "created": decl.created,
            "voices": [v.as_dict() for v in decl.voices]}
    if decl.guided:
        data["guidance"] = GUIDANCE
    if decl.recorded_audio:
        data["recorded_audio"] = "Recorded audio is mixed into this file."
    if decl.disclose_recording:
        data["guide_recording"] = decl.disclose_recording  # only on the project's explicit opt-in
    action = {"action": "c2pa.created", "digitalSourceType": COMPOSITE if decl.composite else SYNTHETIC,
              "softwareAgent": agent, "description": what}
    return {"claim_generator_info": [agent], "title": file_title, "format": "audio/wav",
            "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [action]}},
                           {"label": LABEL, "data": data}]}
