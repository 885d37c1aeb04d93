"""An input of the catalogue expanded into its lines' render requests, keyed as the editor keys them.

The input is read and cast by production.inputs.load and fitted by production.batch.fit_project, exactly as
`studio render` does; each segment then becomes engine.voices.backbone.request_for's RenderRequest, whose hash
is the key of the editor's render cache, of the export and of the catalogue's store. Two lines anywhere in the
catalogue that would sound the same share a key and render once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.core.errors import UserError
from studio.core.fit import Fit
from studio.engine.output.loudness import parse_target
from studio.engine.render.scheduler import failure_reason
from studio.engine.voices.backbone import RenderRequest, request_for
from studio.engine.voices.registry import VoiceRegistry
from studio.production.credentials.manifest import Declaration, declaration

from studio.production.batch import fit_project, parse_rate
from studio.production.casting import parse_cast
from studio.production.cluster.manifest import Item
from studio.production.inputs import Options, Script, load


@dataclass(frozen=True)
class Settings:
    """`studio render`'s options for one input, resolved from its manifest line and the command's defaults."""

    voice: str | None = None
    cast: dict[str, str] = field(default_factory=dict)
    rate: int | None = None
    loudness: float | None = -23.0
    fit: str = "compress"
    language: str | None = None


def settings_for(item: Item, defaults: dict[str, str | None]) -> Settings:
    """Raises ValueError or UserError with one sentence (a bad rate, cast or loudness on this line)."""
    opt = lambda key: item.option(key, defaults.get(key))  # noqa: E731
    cast = opt("cast")
    return Settings(voice=opt("voice"), cast=parse_cast([cast] if cast else None),
                    rate=None if not opt("rate") else parse_rate(str(opt("rate"))),
                    loudness=parse_target(opt("loudness") or "broadcast"), fit=opt("fit") or "compress",
                    language=opt("language"))


@dataclass
class Plan:
    item: Item
    settings: Settings
    script: Script
    fits: list[Fit]
    notes: list[str]
    keys: dict[str, str] = field(default_factory=dict)  # segment id -> its request's key
    requests: dict[str, RenderRequest] = field(default_factory=dict)  # key -> request
    failed: dict[str, str] = field(default_factory=dict)  # segment id -> why no request could be made
    seconds: dict[str, float] = field(default_factory=dict)  # key -> the line's predicted length
    # What its audio files declare in their content credentials (voices and licences), made here where the
    # voices are loaded, so that assembly need not load them again.
    declaration: Declaration | None = None

    @property
    def designs(self) -> dict:
        return self.script.project.designs


def expand(item: Item, settings: Settings, registry: VoiceRegistry) -> Plan:
    """The input's plan. Raises UserError or ValueError (one sentence) when it cannot be read or cast."""
    notes: list[str] = []
    options = Options(voice=settings.voice, language=settings.language, cast=settings.cast)
    try:
        script = load(item.input, options, registry, notes)
    except OSError as exc:
        raise UserError(f"{item.input} cannot be read ({exc.strerror or exc}).") from None
    project = script.project
    if not project.segments:
        raise UserError(f"{item.input} has nothing to render.")
    plan = Plan(item, settings, script, fit_project(project, settings.fit), notes)
    for seg in project.segments:
        try:
            backbone = registry.backbone(project.track(seg.track_id).voice)
            request = request_for(project, seg, backbone)
        except Exception as exc:  # noqa: BLE001 - as render_project: one line's failure is that line's
            plan.failed[seg.id] = failure_reason(exc)
            continue
        key = request.key()
        plan.keys[seg.id] = key
        plan.requests[key] = request
        plan.seconds[key] = sum(p.duration * p.duration_scale for p in request.phonemes())
    plan.declaration = declaration(project, registry)
    return plan
