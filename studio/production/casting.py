"""Casting: which track, voice and language each speaker or SSML voice gets.

- A name in the voice map (the project's `voice_map`, then `--voice-map NAME=LOCAL`) speaks with that local voice:
  an embedded speaker ("en-us+f2"), a Coqui model, or a mix ("mix:en-us=0.5,en+f3=0.5").
- A name that is a speaker of the default voice (or a mix of its speakers) speaks as that speaker.
- Any other name (a subtitle's "ANNA", an Azure "en-US-AvaNeural") gets the default voice, with the k-th new
  track on the k-th speaker so that characters are told apart; an unmapped vendor voice name is warned about.
- Each track has a language. Text in a language its voice does not speak goes on a track of its own,
  "NAME (zh)", spoken by the embedded espeak-ng voice for that language, with a warning.
"""

from __future__ import annotations

import re

from studio.core.language import primary
from studio.core.model import Project, SpeakerMix, Track, VoiceRef, new_id
from studio.core.script import NARRATOR
from studio.engine.backbone import Backbone
from studio.engine.coqui.loading import ModelError, RefusedFolder
from studio.engine.embedded import language_speaker
from studio.engine.voices import EMBEDDED, VoiceRegistry, parse_voice
from studio.interchange.ssml import SsmlError, parse_voice_name

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French", "it": "Italian",
                  "pt": "Portuguese", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ru": "Russian",
                  "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "el": "Greek", "nl": "Dutch", "pl": "Polish",
                  "sv": "Swedish", "tr": "Turkish", "th": "Thai", "uk": "Ukrainian"}


def language_name(lang: str) -> str:
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def parse_voice_map(items: list[str] | None) -> dict[str, str]:
    """`--voice-map NAME=LOCAL` arguments (each may hold several, comma-free pairs separated by ';')."""
    out: dict[str, str] = {}
    for item in items or []:
        for pair in filter(None, (p.strip() for p in item.split(";"))):
            name, sep, local = pair.partition("=")
            if not sep or not name.strip() or not local.strip():
                raise ValueError(f"--voice-map \"{pair}\" should be NAME=LOCAL, e.g. en-US-AvaNeural=en-us+f2.")
            out[name.strip()] = local.strip()
    return out


def open_voice(voice: str | None, registry: VoiceRegistry, notes: list[str]):
    """(voice ref, default mix, backbone), falling back to the embedded voice with a note."""
    ref, mix = parse_voice(voice)
    try:
        backbone = registry.backbone(ref)
    except RefusedFolder:
        raise  # a damaged or hostile folder the user named: speaking with another voice would hide it
    except ModelError as exc:
        notes.append(f"{exc} Speaking with the embedded voice instead.")
        ref, mix = parse_voice("embedded")
        backbone = registry.backbone(ref)
    caps = backbone.capabilities()
    if caps.commercial_note:
        notes.append(f"This voice's license: {caps.license}. Commercial use: {caps.commercial_note}.")
    elif not caps.commercial_use:
        notes.append(f"This model's license ({caps.license}) does not allow commercial use; check it before you "
                     "publish the audio.")
    if mix.is_empty and caps.speakers:
        mix = SpeakerMix.single(caps.speakers[0].id)
    return ref, mix, backbone


def voice_languages(ref: VoiceRef, backbone: Backbone) -> set[str] | None:
    """The languages a voice speaks (primary subtags), or None for any (espeak-ng speaks over 100)."""
    if ref.backbone == "embedded":
        return None
    declared = getattr(backbone.capabilities(), "languages", None)
    if declared:
        return {primary(x) for x in declared}
    m = re.search(r"tts_models/([a-z]{2,3})/", ref.model)
    if m and m.group(1) != "multilingual":
        return {primary(m.group(1))}
    return {"en"}  # the voices installed here and Piper's are English unless they say otherwise


class Casting:
    def __init__(self, registry: VoiceRegistry, voice: str | None, notes: list[str],
                 voice_map: dict[str, str] | None = None, language: str = "en"):
        self.registry = registry
        self.notes = notes
        self.ref, self.mix, self.backbone = open_voice(voice, registry, notes)
        self.speakers = [s.id for s in self.backbone.capabilities().speakers]
        self.voice_map = dict(voice_map or {})
        self.language = primary(language)
        self._warned: set[str] = set()

    def _note(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.notes.append(message)

    def _mapped(self, name: str, project: Project) -> tuple[VoiceRef, SpeakerMix] | None:
        local = self.voice_map.get(name) or project.voice_map.get(name)
        if local is None:
            return None
        if local.startswith("mix:"):
            mix = parse_voice_name(local)
            unknown = [s for s, _ in mix.weights if self.speakers and s not in self.speakers]
            if unknown:
                raise SsmlError(f"The voice map gives {name} a mix of unknown speaker(s) {', '.join(unknown)}; "
                                f"choose from {', '.join(self.speakers)}.")
            return self.ref, mix
        ref, mix = parse_voice(local)
        if ref == self.ref and (mix.is_empty or not self.speakers or mix.weights[0][0] in self.speakers):
            return ref, mix if not mix.is_empty else self.mix
        try:
            backbone = self.registry.backbone(ref)
        except ModelError as exc:
            self._note(f"{exc} {name} speaks with the default voice instead.")
            return None
        speakers = backbone.capabilities().speakers
        return ref, mix if not mix.is_empty else (SpeakerMix.single(speakers[0].id) if speakers else SpeakerMix())

    def _voice_for(self, project: Project, name: str | None, vendor: bool, index: int
                   ) -> tuple[VoiceRef, SpeakerMix]:
        if name is not None:
            mapped = self._mapped(name, project)
            if mapped is not None:
                return mapped
            if name in self.speakers:
                return self.ref, SpeakerMix.single(name)
            if name.startswith("mix:"):
                mix = parse_voice_name(name)
                unknown = [s for s, _ in mix.weights if self.speakers and s not in self.speakers]
                if not unknown:
                    return self.ref, mix
                self._note(f"The voice mix {name} names unknown speaker(s) {', '.join(unknown)}; it speaks with "
                           "the default voice instead.")
            elif vendor:
                self._note(f"The voice \"{name}\" is not mapped to a local voice, so it speaks with the track's "
                           f"voice; map it with --voice-map {name}=LOCAL (e.g. en-us+f2).")
        if self.speakers and index:
            return self.ref, SpeakerMix.single(self.speakers[index % len(self.speakers)])
        return self.ref, self.mix

    def track(self, project: Project, name: str | None, language: str | None = None, vendor: bool = False,
              default_name: str = NARRATOR) -> Track:
        """The track of `name` speaking `language`, created on first use."""
        lang = primary(language, self.language)
        base = name or default_name
        for t in project.tracks:
            if t.name in (base, f"{base} ({lang})") and t.language == lang:
                return t
        index = len({t.name for t in project.tracks if "(" not in t.name})
        ref, mix = self._voice_for(project, name, vendor, index)
        backbone = self.registry.backbone(ref)
        track_name = base
        if any(t.name == base for t in project.tracks):  # the same speaker in another language
            track_name = f"{base} ({lang})"
        languages = voice_languages(ref, backbone)
        if languages is not None and lang not in languages:
            self._note(f"Text in {language_name(lang)} is spoken by the embedded espeak-ng voice, since "
                       f"{ref.model} does not speak it.")
            ref = EMBEDDED
            mix = SpeakerMix.single(language_speaker(lang, sum(t.language == lang for t in project.tracks)))
        elif ref.backbone == "embedded" and lang != "en":
            named = mix.weights[0][0] if len(mix.weights) == 1 else ""
            if primary(named.split("+")[0], "") != lang:
                mix = SpeakerMix.single(language_speaker(lang, sum(t.language == lang for t in project.tracks)))
        track = Track(new_id(), track_name, ref, mix, language=lang)
        project.tracks.append(track)
        return track
