"""Which backbone serves a voice reference. One place to look a voice up, shared by the CLI and the editor.

A voice is named by a string: "embedded" (or one of its speakers, like "en-us+f2"), "hibari" (the hibari-tts
voice), a voice of the cast or a designed voice of the user's library by its name ("Mara"), an inline design
("design:en_US-joe-medium,timbre=1.17,pitch=1.7"), a Coqui zoo name like "tts_models/en/vctk/vits", or a local
Coqui model folder.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from studio.core.analysis import AnalysisError
from studio.core.design import Design, DesignError, is_inline, parse_inline
from studio.core.voice_names import COQUI, DESIGN, EMBEDDED as EMBEDDED_FAMILY, EMBEDDED_MODEL, same_name
from studio.core.model import SpeakerMix, VoiceRef, Word
from studio.core.script import TooLong, check_utterance

from studio.engine.voices import hibari
from studio.engine.voices.backbone import Backbone, on_gpu
from studio.engine.voices.embedded.voice import SPEAKERS, EmbeddedVoice

EMBEDDED = VoiceRef(EMBEDDED_FAMILY, EMBEDDED_MODEL)
# The default narrator: the neural voice converted from its Piper package on first use (engine/voices/coqui/store.py).
NEURAL = VoiceRef(COQUI, "en_US-joe-medium")
# A second neural voice from the hibari-tts package (engine/hibari; naming it imports nothing of the package).
HIBARI, HIBARI_NAMES = hibari.VOICE, hibari.ALIASES
ANALYSIS_SLICE = 64  # lines `prepare` analyses together: enough to fill a GPU's batches, and progress moves
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Family:
    """How the registry makes the backbone of one voice family, given the registry and the VoiceRef's model."""

    load: Callable[["VoiceRegistry", str], Backbone]
    instant: bool = False  # cheap enough to create where it is first asked for (even the GUI thread)


def _load_coqui(registry: "VoiceRegistry", model: str) -> Backbone:
    from studio.engine.voices import coqui

    return coqui.load(model, trusted=model in registry.trusted, device=registry._torch_device(),
                      progress=registry.progress)


# The one table from a voice family (core/voice_names.py) to its implementation; a designed voice is a stage on
# another family's backbone, made by VoiceRegistry._design_backbone.
FAMILIES: dict[str, Family] = {
    EMBEDDED_FAMILY: Family(lambda registry, model: EmbeddedVoice(), instant=True),
    COQUI: Family(_load_coqui),
    hibari.FAMILY: Family(lambda registry, model: hibari.load(model)),
}


def parse_voice(spec: str | None) -> tuple[VoiceRef, SpeakerMix]:
    """A voice reference and a speaker mix for a --voice argument; no argument means the neural narrator."""
    if not spec:
        return NEURAL, SpeakerMix()
    if spec in (EMBEDDED_FAMILY, EMBEDDED_MODEL):
        return EMBEDDED, SpeakerMix.single(SPEAKERS[0].id)
    if spec in {s.id for s in SPEAKERS}:
        return EMBEDDED, SpeakerMix.single(spec)
    if spec in HIBARI_NAMES:
        return HIBARI, SpeakerMix()
    if spec.startswith("design:"):
        design = parse_inline(spec)  # DesignError (a ValueError) with one sentence
        return VoiceRef(DESIGN, design.name or design.spec), SpeakerMix()
    named = find_named(spec)
    if named is not None:
        return named, SpeakerMix()
    return VoiceRef(COQUI, spec), SpeakerMix()


def voice_spec(ref: VoiceRef, mix: SpeakerMix) -> str:
    """The --voice spec that names a voice again (parse_voice's inverse; what remembered casting stores)."""
    from studio.engine.voices import cast

    named = next((v.name for v in cast.cast() if v.voice == ref), None)
    if named:
        return named
    if ref.backbone == EMBEDDED_FAMILY:
        return mix.weights[0][0] if len(mix.weights) == 1 else EMBEDDED_FAMILY
    if ref.backbone == DESIGN:
        return ref.model if "," not in ref.model else f"design:{ref.model}"
    return ref.model


def kept_design(ref: VoiceRef) -> str | None:
    """The name of the designed voice `ref` speaks with, where a project keeps that design by name; None for an
    inline design or any other voice."""
    return ref.model if ref.backbone == DESIGN and "," not in ref.model else None


def find_named(name: str) -> VoiceRef | None:
    """A cast voice or a designed voice of the user's library called `name` (any case)."""
    from studio.core.voice_library import load_designs

    from studio.engine.voices.cast import find

    voice = find(name)
    if voice is not None:
        return voice.voice
    for design_name in load_designs():
        if same_name(design_name, name):
            return VoiceRef(DESIGN, design_name)
    return None


def narrator(registry: "VoiceRegistry") -> tuple[VoiceRef, list[str]]:
    """The voice new material is spoken with, and its speakers (the k-th track of a dialogue gets the k-th): the
    neural narrator, or the embedded voice where the neural one cannot be had. Loads the voice: call it off the
    GUI thread."""
    from studio.engine.errors import DeviceUnavailable, ModelError

    try:
        return NEURAL, [s.id for s in registry.backbone(NEURAL).capabilities().speakers]
    except DeviceUnavailable:
        raise  # the user asked for a GPU that is not there: say so rather than speak with another voice
    except (ModelError, AnalysisError, OSError):
        return EMBEDDED, [s.id for s in SPEAKERS]


class VoiceRegistry:
    """Backbones by (backbone, model), created on first use and then kept: loading a model is the slow part."""

    def __init__(self, device: str = "cpu", trusted: set[str] | None = None,
                 progress: Callable[[str], None] | None = None):
        self.device = device
        self.resolved_device = "cpu" if device == "auto" else device  # where Coqui models run, once one loads
        self.trusted = set(trusted or ())  # model specs the user explicitly trusts with arbitrary unpickling
        self.progress = progress
        self._backbones: dict[tuple[str, str], Backbone] = {}
        self._lock = threading.RLock()  # a designed voice loads its base voice while holding it
        self.designs: dict[str, Design] = {}  # the open project's designs, found before the library's and cast's
        # Whether `prepare` analyses lines in padded batches: None batches where the model runs on a GPU (on the
        # 2-core CPU here batches measured slower, docs/performance.md); True or False forces it.
        self.batch_analysis: bool | None = None
        self._pending: list[tuple] = []  # (text, voice, mix) an import will ask for, not yet analysed
        self._waiting: Counter = Counter()  # the same, counted, so that a line not pending is known at once
        self._prepared: dict[tuple, list[list[Word]]] = {}  # (text, voice, mix) -> analyses not yet asked for
        self._prepare_lock = threading.Lock()  # not the registry's: a batch must not hold up loading voices

    def use_designs(self, designs: dict[str, Design]) -> None:
        """Make a project's designed voices known by name (a project's own design wins over a library one)."""
        self.designs.update(designs)

    def design(self, model: str) -> Design:
        """The design a VoiceRef("design", model) names: inline, the project's, the user's library's or the
        cast's. Raises AnalysisError with one sentence."""
        from studio.core.voice_library import load_designs

        from studio.engine.voices.cast import designs as cast_designs

        try:
            if is_inline(model):
                return parse_inline(model)
        except DesignError as exc:
            raise AnalysisError(str(exc)) from None
        for table in (self.designs, load_designs(), cast_designs()):
            if model in table:
                return table[model]
        raise AnalysisError(f"There is no designed voice named {model}; design it again or pick another voice.")

    def design_names(self) -> list[str]:
        from studio.core.voice_library import load_designs

        from studio.engine.voices.cast import cast

        names = [v.name for v in cast()] + list(load_designs()) + list(self.designs)
        return list(dict.fromkeys(names))

    def speaker_source(self, name: str):
        """(backbone, speaker id) that speaks as `name` in a cross-voice mix: a designed voice, a cast voice, or
        None."""
        from studio.engine.voices.cast import find

        cast_voice = find(name)
        ref = cast_voice.voice if cast_voice is not None else None
        if ref is None:
            try:
                self.design(name)
                ref = VoiceRef(DESIGN, name)
            except AnalysisError:
                return None
        backbone = self.backbone(ref)
        speakers = backbone.capabilities().speakers
        return backbone, speakers[0].id if speakers else name

    def _design_backbone(self, model: str) -> Backbone:
        from studio.engine.voices.design import DesignBackbone

        design = self.design(model)
        base_ref, _ = parse_voice(design.base)
        if base_ref.backbone == DESIGN:
            raise AnalysisError(f"The designed voice {model} is based on another design; base it on a neural voice.")
        base = self.backbone(base_ref)
        with self._lock:
            current = self._backbones.get((DESIGN, model))
            if current is None or current.design != design:  # a design edited under the same name: a new stage
                current = DesignBackbone(design, base, base_ref, self.speaker_source, self.design_names)
                self._backbones[(DESIGN, model)] = current
            return current

    def backbone(self, voice: VoiceRef) -> Backbone:
        """Raises AnalysisError (embedded voice missing) or coqui.ModelError, each with one sentence."""
        if voice.backbone == DESIGN:
            return self._design_backbone(voice.model)
        key = (voice.backbone, voice.model)
        with self._lock:
            if key not in self._backbones:
                family = FAMILIES.get(voice.backbone)
                if family is None:
                    raise AnalysisError(f"Speech Studio has no '{voice.backbone}' backbone; use the embedded voice.")
                self._backbones[key] = family.load(self, voice.model)
                guests = getattr(self._backbones[key], "guests", None)
                if guests is not None:  # its mixes can bring in the cast's and the library's voices
                    guests.source, guests.names = self.speaker_source, self.design_names
            return self._backbones[key]

    def _torch_device(self) -> str:
        """The torch device: "auto" becomes cuda where torch sees a GPU. Asked only when a Coqui model loads,
        so the embedded voice never pays for importing torch."""
        if self.device != "auto":
            self.resolved_device = self.device
            return self.device
        import torch

        self.resolved_device = "cuda" if torch.cuda.is_available() else "cpu"
        return self.resolved_device

    def loaded(self, voice: VoiceRef) -> Backbone | None:
        """The backbone if it is already created, without loading anything."""
        with self._lock:
            return self._backbones.get((voice.backbone, voice.model))

    def ready(self, voice: VoiceRef) -> Backbone | None:
        """The backbone if it is created, or cheap to create (then created now); else None, and the caller loads it
        off the GUI thread. Raises as `backbone` does."""
        loaded = self.loaded(voice)
        if loaded is not None:
            return loaded
        family = FAMILIES.get(voice.backbone)
        return self.backbone(voice) if family is not None and family.instant else None

    def analyze(self, text: str, voice: VoiceRef, mix: SpeakerMix) -> list[Word]:
        try:
            check_utterance(text)  # every backbone: no voice is handed a line it cannot say at once
        except TooLong as exc:
            raise AnalysisError(str(exc)) from None
        ready = self._take_prepared((text, voice, mix.weights))
        return ready if ready is not None else self.backbone(voice).analyze(text, voice, mix)

    def prepare(self, items: list[tuple[str, VoiceRef, SpeakerMix]]) -> None:
        """Note the lines an import is about to ask `analyze` for. Where a voice can analyse many lines at once
        and it pays (a neural voice on a GPU), the first `analyze` of a pending line analyses it and the next
        lines in padded batches, a slice at a time (so memory stays bounded and progress keeps moving); each
        line's answer is the same as one at a time. Other lines, and a batch that fails, go one at a time."""
        batching = {voice: self._batches(voice) for voice in {voice for _, voice, _ in items}}
        with self._prepare_lock:
            self._prepared.clear()  # what an earlier import left (it stopped part way) is not kept
            self._pending = [(text, voice, mix.weights) for text, voice, mix in items if batching[voice]]
            self._waiting = Counter(self._pending)

    def _batches(self, voice: VoiceRef) -> bool:
        """Whether `prepare` analyses this voice's lines in batches. Loads the voice (the import's first line
        would); a voice that cannot load is left to `analyze`, which reports it."""
        try:
            backbone = self.backbone(voice)
        except Exception:  # noqa: BLE001
            return False
        wanted = self.batch_analysis if self.batch_analysis is not None else on_gpu(backbone)
        return bool(wanted) and hasattr(backbone, "analyze_batch")

    def _take_prepared(self, key: tuple) -> list[Word] | None:
        with self._prepare_lock:
            if not self._prepared.get(key) and self._waiting[key] > 0:
                i = self._pending.index(key)
                todo, self._pending[i:i + ANALYSIS_SLICE] = self._pending[i:i + ANALYSIS_SLICE], []
                self._waiting.subtract(todo)
                self._analyze_ahead(todo)
            ready = self._prepared.get(key)
            return ready.pop() if ready else None

    def _analyze_ahead(self, keys: list[tuple]) -> None:
        groups: dict[tuple, list[str]] = {}
        for text, voice, weights in keys:
            try:
                check_utterance(text)
            except TooLong:
                continue
            groups.setdefault((voice, weights), []).append(text)
        for (voice, weights), texts in groups.items():
            backbone = self.backbone(voice)  # loaded by `prepare`
            if len(texts) < 2:
                continue
            try:
                analyses = backbone.analyze_batch(texts, voice, SpeakerMix(weights))
            except Exception as exc:  # noqa: BLE001 - one line at a time next, which names the failing line
                log.warning("Analysing %d lines in batches failed (%s); analysing them one at a time.", len(texts),
                            exc)
                continue
            for text, words in zip(texts, analyses):
                self._prepared.setdefault((text, voice, weights), []).append(words)
