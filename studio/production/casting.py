"""Casting: which track, voice and language each speaker or SSML voice gets.

- A name in the voice map (the project's `voice_map`, then `--voice-map NAME=LOCAL`) speaks with that local voice:
  an embedded speaker ("en-us+f2"), a Coqui model, or a mix ("mix:en-us=0.5,en+f3=0.5").
- A name that is a speaker of the default voice (or a mix of its speakers) speaks as that speaker.
- A name given a voice with `--cast NAME=VOICE` speaks with it (a cast voice such as "Mara", a designed voice, any
  --voice spec).
- With the default voice (no --voice), a character speaks with the voice it was given last time (remembered per
  speaker name in the user's config folder), else with the next voice of the default cast (engine/voices/cast.py) that
  no track of the project has yet: two speakers, two distinct neural voices.
- An unmapped vendor voice of SSML (an Azure "en-US-AvaNeural") gets a cast voice of its own, of its register
  (female, male) where core.vendor_voices knows the name, with a note; it is not remembered.
- Any other name (any name once a --voice is chosen) gets the default voice, with the k-th new track on the k-th
  speaker so that characters are told apart; an unmapped vendor voice name is warned about.
- Each track has a language. Text in a language its voice does not speak goes on a track of its own,
  "NAME (zh)", spoken by the embedded espeak-ng voice for that language, with a warning.
"""

from __future__ import annotations

import re

from studio.core.analysis import AnalysisError
from studio.core.language import primary
from studio.core.model import Project, SpeakerMix, Track, VoiceRef, new_id
from studio.core.labels import key
from studio.core.script import NARRATOR
from studio.core.vendor_voices import voice_gender
from studio.engine.voices.backbone import Backbone
from studio.engine.errors import DeviceUnavailable, ModelError, RefusedFolder
from studio.engine.voices.embedded.voice import language_speaker
from studio.engine.voices.registry import EMBEDDED, VoiceRegistry, kept_design, parse_voice, voice_spec
from studio.interchange.ssml import SsmlError, parse_voice_name

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French", "it": "Italian",
                  "pt": "Portuguese", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ru": "Russian",
                  "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "el": "Greek", "nl": "Dutch", "pl": "Polish",
                  "sv": "Swedish", "tr": "Turkish", "th": "Thai", "uk": "Ukrainian"}


def language_name(lang: str) -> str:
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def _pairs(items: list[str] | None, separator: str, wrong: str):
    """(name, value) of each NAME=VALUE pair in repeatable option arguments, the pairs of one argument split at
    `separator`; a pair without both sides raises ValueError with `wrong` (formatted with the pair)."""
    for item in items or []:
        for pair in filter(None, (p.strip() for p in item.split(separator))):
            name, sep, value = pair.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise ValueError(wrong.format(pair=pair))
            yield name.strip(), value.strip()


def parse_voice_map(items: list[str] | None) -> dict[str, str]:
    """`--voice-map NAME=LOCAL` arguments (each may hold several, comma-free pairs separated by ';')."""
    return dict(_pairs(items, ";", '--voice-map "{pair}" should be NAME=LOCAL, e.g. en-US-AvaNeural=en-us+f2.'))


def parse_cast(items: list[str] | None) -> dict[str, str]:
    """`--cast NAME=VOICE,NAME=VOICE` arguments (repeatable) as {NAME: VOICE}."""
    out: dict[str, str] = {}
    for name, voice in _pairs(items, ",", '--cast "{pair}" should be NAME=VOICE, e.g. --cast ALICE=Joe,BOB=Mara.'):
        if name.upper() in (n.upper() for n in out):
            raise ValueError(f"--cast gives {name} a voice twice; give each speaker one voice.")
        out[name] = voice
    return out


def spec_of(ref: VoiceRef, mix: SpeakerMix) -> str:
    """The --voice spec that names a track's voice again (what remembered casting stores)."""
    return voice_spec(ref, mix)


def _register(cast_name: str) -> str | None:
    """"female" or "male" for a voice of the cast, by its name."""
    from studio.engine.voices import cast

    return next((v.register for v in cast.cast() if v.name == cast_name), None)


def _opened(registry: VoiceRegistry, spec: str) -> tuple[VoiceRef, SpeakerMix] | None:
    """The voice `spec` names and its default mix, or None where it cannot be loaded."""
    try:
        ref, mix = parse_voice(spec)
        speakers = registry.backbone(ref).capabilities().speakers
    except (ModelError, AnalysisError, ValueError, OSError):
        return None
    return ref, mix if not mix.is_empty else (SpeakerMix.single(speakers[0].id) if speakers else SpeakerMix())


def cast_voice(registry: VoiceRegistry, name: str, taken: list[VoiceRef], note=lambda message: None,
               register: str | None = None) -> tuple[VoiceRef, SpeakerMix] | None:
    """The voice of speaker `name` when the user left it to us: the one it had last time, else the next voice of
    the default cast that is not in `taken` (the voices other tracks have), one of `register` ("female" or
    "male") first where it is given; None without a cast."""
    from studio.core.voice_library import remembered_voice
    from studio.engine.voices import cast as default_cast

    remembered = remembered_voice(name)
    if remembered:
        found = _opened(registry, remembered)
        if found is not None:
            return found
        note(f"{name} was last cast as {remembered}, which cannot be loaded now; another voice speaks.")
    for message in default_cast.notes():
        note(message)
    voices = default_cast.cast()
    if not voices:
        return None
    free = [v for v in voices if v.voice not in taken]
    if not free:
        note(f"There are more speakers than the {len(voices)} voices of the cast, so some share a voice; choose "
             "with --cast NAME=VOICE.")
        free = voices[len(taken) % len(voices):] + voices
    if register:
        free = _register_first(free, register)
    for v in free:
        found = _opened(registry, v.name)
        if found is not None:
            return found
    return None


def proposed_casting(names: list[str], vendor: bool = False) -> dict[str, str]:
    """Each speaker's voice as an import would give it, named as a --cast spec and found without loading a voice:
    the one it was given last time, else the next cast voice that no earlier speaker has (for `vendor` voice
    names of SSML, one of the name's register first)."""
    from studio.core.vendor_voices import voice_gender
    from studio.core.voice_library import remembered_voice
    from studio.engine.voices import cast as default_cast

    voices = default_cast.cast()
    out: dict[str, str] = {}
    for name in names:
        spec = remembered_voice(name)
        if not spec and voices:
            free = [v for v in voices if v.name not in out.values()]
            free = free or voices[len(out) % len(voices):] + voices
            register = voice_gender(name) if vendor else None
            spec = (_register_first(free, register) if register else free)[0].name
        if spec:
            out[name] = spec
    return out


def _register_first(voices: list, register: str) -> list:
    """The cast voices of `register` ("female", "male") first, each group in cast order."""
    return sorted(voices, key=lambda v: v.register != register)


class CastChooser:
    """`chosen(name)` for lines pasted in the editor (production.importing.insert_lines): `first` (the preferences)
    decides, else the cast as at import. It remembers what it handed out, since new tracks join the project only
    when the paste's command runs; a designed voice is kept in the project."""

    def __init__(self, registry: VoiceRegistry, project: Project, first=None):
        self.registry, self.project, self.first = registry, project, first or (lambda name: None)
        self.taken = [t.voice for t in project.tracks]

    def __call__(self, name: str):
        chosen = self.first(name) or cast_voice(self.registry, name, self.taken)
        if chosen is not None:
            self.taken.append(chosen[0])
            design = kept_design(chosen[0])
            if design is not None and design not in self.project.designs:
                self.project.designs[design] = self.registry.design(design)
        return chosen


def open_voice(voice: str | None, registry: VoiceRegistry, notes: list[str]):
    """(voice ref, default mix, backbone), falling back to the embedded voice with a note."""
    ref, mix = parse_voice(voice)
    try:
        backbone = registry.backbone(ref)
    except (RefusedFolder, DeviceUnavailable):
        raise  # a damaged folder or a missing GPU the user named: speaking with another voice would hide it
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
    if backbone.capabilities().any_language:
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
                 voice_map: dict[str, str] | None = None, language: str = "en", cast: dict[str, str] | None = None,
                 remember: bool = True):
        self.registry = registry
        self.notes = notes
        self.ref, self.mix, self.backbone = open_voice(voice, registry, notes)
        self.speakers = [s.id for s in self.backbone.capabilities().speakers]
        # Speakers handed out by turn when the cast does not apply: the voice's own and the embedded ones, not the
        # other cast voices it can mix in (those are whole voices, given through the cast itself).
        guests = getattr(self.backbone, "guests", None)
        named = set(guests.names()) if guests is not None else set()
        self.rotation = [s for s in self.speakers if s not in named]
        self.voice_map = dict(voice_map or {})
        self.language = primary(language)
        self._warned: set[str] = set()
        self._vendor: dict[str, tuple[VoiceRef, SpeakerMix]] = {}  # a vendor voice's cast voice, kept
        # The default cast and remembered choices apply where the user left the voice to us.
        # (not where the narrator fell back to the embedded voice: the cast's voices could not be had either)
        self.use_cast = voice is None and self.ref != EMBEDDED
        self.remember = remember
        self.chosen: dict[str, str] = {}  # speaker name -> voice spec, remembered after a successful import
        self.cast = {name.upper(): self._open_cast(name, spec) for name, spec in (cast or {}).items()}

    def _open_cast(self, name: str, spec: str) -> tuple[VoiceRef, SpeakerMix]:
        """The voice `--cast NAME=SPEC` names, loaded now so that a wrong name fails before anything renders."""
        from studio.engine.voices import cast as default_cast

        try:
            ref, mix = parse_voice(spec)
            backbone = self.registry.backbone(ref)
        except (ModelError, AnalysisError, ValueError, OSError):
            names = ", ".join(v.name for v in default_cast.cast())
            raise ValueError(f"--cast gives {name} the voice \"{spec}\", which cannot be loaded; choose one of "
                             f"{names} or a voice that `studio voices` lists.") from None
        speakers = backbone.capabilities().speakers
        return ref, mix if not mix.is_empty else (SpeakerMix.single(speakers[0].id) if speakers else SpeakerMix())

    def _adopt(self, project: Project, ref: VoiceRef) -> None:
        """Keep a designed voice's controls in the project, so that it sounds the same on another machine."""
        name = kept_design(ref)
        if name is not None and name not in project.designs:
            design = self.registry.design(name)
            project.designs[name] = design
            self.registry.use_designs({name: design})

    def _from_cast(self, project: Project, name: str, register: str | None = None
                   ) -> tuple[VoiceRef, SpeakerMix] | None:
        """A speaker's voice when the user left it to us: remembered, else the next cast voice no track has."""
        return cast_voice(self.registry, name, [t.voice for t in project.tracks], self._note, register)

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
        if name is not None and not vendor and name.upper() in self.cast:
            return self.cast[name.upper()]
        if name is not None:
            mapped = self._mapped(name, project)
            if mapped is not None:
                return mapped
            if name in self.speakers:
                return self.ref, SpeakerMix.single(name)
            if vendor and name in self._vendor:  # the same vendor voice in another language: the same voice
                return self._vendor[name]
            if self.use_cast and not name.startswith("mix:"):
                # A vendor's voice name (Azure, Polly): a cast voice of its own and of its register, not remembered.
                register = voice_gender(name) if vendor else None
                cast_voice = self._from_cast(project, name, register)
                if cast_voice is not None:
                    if vendor:
                        voice = spec_of(*cast_voice)
                        why = f" (a {register} voice, like {name})" if register and _register(voice) == register \
                            else ""
                        self._note(f"The voice \"{name}\" is not mapped to a local voice, so it speaks with the "
                                   f"cast's {voice}{why}; map it with --voice-map {name}=LOCAL.")
                        self._vendor[name] = cast_voice
                    return cast_voice
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
        if self.rotation and index:
            return self.ref, SpeakerMix.single(self.rotation[index % len(self.rotation)])
        return self.ref, self.mix

    def track(self, project: Project, name: str | None, language: str | None = None, vendor: bool = False,
              default_name: str = NARRATOR) -> Track:
        """The track of `name` speaking `language`, created on first use."""
        lang = primary(language, self.language)
        base = name or default_name
        for t in project.tracks:
            # Names are compared as labels are (case-insensitive): a confirmed "NARRATOR" and the unlabelled
            # lines' default "Narrator" are one speaker on one track, named as the file names it.
            if key(t.name) in (key(base), key(f"{base} ({lang})")) and t.language == lang:
                if name is not None and t.name.startswith(default_name):
                    t.name = name + t.name[len(default_name):]
                return t
        index = len({t.name for t in project.tracks if "(" not in t.name})
        ref, mix = self._voice_for(project, name, vendor, index)
        backbone = self.registry.backbone(ref)
        self._adopt(project, ref)
        if name is not None and not vendor and (self.use_cast or name.upper() in self.cast):
            self.chosen[name] = spec_of(ref, mix)
        track_name = base
        if any(key(t.name) == key(base) for t in project.tracks):  # the same speaker in another language
            track_name = f"{base} ({lang})"
        languages = voice_languages(ref, backbone)
        if languages is not None and lang not in languages:
            self._note(f"Text in {language_name(lang)} is spoken by the embedded espeak-ng voice, since "
                       f"{ref.model} does not speak it.")
            ref = EMBEDDED
            mix = SpeakerMix.single(language_speaker(lang, sum(t.language == lang for t in project.tracks)))
        elif languages is None and lang != "en":  # a voice of any language: its speaker for this one
            named = mix.weights[0][0] if len(mix.weights) == 1 else ""
            if primary(named.split("+")[0], "") != lang:
                mix = SpeakerMix.single(language_speaker(lang, sum(t.language == lang for t in project.tracks)))
        track = Track(new_id(), track_name, ref, mix, language=lang)
        project.tracks.append(track)
        return track

    def save_choices(self) -> None:
        """Remember each speaker's voice for the next import (never a reason for the import to fail)."""
        from studio.core.voice_library import remember_casting

        if not self.remember:
            return
        try:
            remember_casting(self.chosen)
        except OSError as exc:
            self._note(f"The casting could not be remembered ({exc.strerror or exc}); the next import casts anew.")
