"""Designed voices: a neural voice changed by a few named controls, stored as plain data.

A design names its base voice (a model of the neural backbone, e.g. "en_US-joe-medium") and three controls:
- timbre: how far the spectral envelope is stretched along frequency (>1 moves the formants up, as a shorter
  vocal tract does; <1 down). 1 is the base voice's own timbre.
- pitch: a factor on F0 (1.7 speaks 1.7 times as high).
- breath: 0..1, how much the aperiodicity is raised toward noise (a breathier voice).
The engine applies the design as one DSP stage after the base voice's render (engine/voices/design.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from studio.core.errors import UserError
from studio.core.voice_names import DESIGN, is_design_name

TIMBRE_RANGE = (0.7, 1.5)  # beyond this the warp moves formants out of any human vocal tract's reach
PITCH_RANGE = (0.4, 2.5)  # F0 x0.4 .. x2.5: from a bass to a child, starting from a tenor
BREATH_RANGE = (0.0, 1.0)
DESIGN_BACKBONE = DESIGN  # VoiceRef.backbone of a designed voice; its model is the design's name
DEFAULT_BASE = "en_US-joe-medium"


class DesignError(UserError, ValueError):
    """One sentence saying what is wrong with a design and what to write instead."""


def check_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not is_design_name(name):
        raise DesignError(f"\"{name}\" cannot name a voice; start with a letter and use up to 40 letters, "
                          "digits, spaces, dots, dashes, apostrophes or underscores.")
    return name


@dataclass(frozen=True)
class Design:
    base: str
    timbre: float = 1.0
    pitch: float = 1.0
    breath: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.base, str) or not self.base.strip() or "," in self.base or "=" in self.base:
            raise DesignError("A designed voice needs a base voice, such as en_US-joe-medium.")
        for field_, (lo, hi) in (("timbre", TIMBRE_RANGE), ("pitch", PITCH_RANGE), ("breath", BREATH_RANGE)):
            value = getattr(self, field_)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not lo <= value <= hi:
                raise DesignError(f"A design's {field_} must be a number from {lo:g} to {hi:g}, not {value!r}.")
            object.__setattr__(self, field_, float(value))
        if self.name:
            object.__setattr__(self, "name", check_name(self.name))

    @property
    def spec(self) -> str:
        """The inline form, `base,timbre=…,pitch=…,breath=…`: names the sound, whatever the design is called."""
        return f"{self.base},timbre={self.timbre:g},pitch={self.pitch:g},breath={self.breath:g}"

    @property
    def label(self) -> str:
        return self.name or f"design of {self.base}"

    def as_dict(self) -> dict:
        return {"base": self.base, "timbre": self.timbre, "pitch": self.pitch, "breath": self.breath}

    @staticmethod
    def from_dict(d: dict, name: str = "") -> "Design":
        if not isinstance(d, dict):
            raise DesignError(f"The design {name or ''} should be an object with base, timbre, pitch and breath.")
        unknown = set(d) - {"base", "timbre", "pitch", "breath", "name"}
        if unknown:
            raise DesignError(f"The design {name} has unknown control(s) {', '.join(sorted(unknown))}; use timbre, "
                              "pitch and breath.")
        return Design(d.get("base", ""), d.get("timbre", 1.0), d.get("pitch", 1.0), d.get("breath", 0.0),
                      name or d.get("name", ""))


def is_inline(model: str) -> bool:
    return "," in model or "=" in model


def parse_inline(spec: str) -> Design:
    """`design:BASE,timbre=1.17,pitch=1.7[,breath=0.2][,name=Mara]` (the `design:` prefix optional)."""
    text = spec[len("design:"):] if spec.startswith("design:") else spec
    base, *pairs = [p.strip() for p in text.split(",")]
    values: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in ("timbre", "pitch", "breath", "name"):
            raise DesignError(f"\"{pair}\" in the design {spec} should be timbre=…, pitch=…, breath=… or name=….")
        if key == "name":
            values[key] = value.strip()
            continue
        try:
            values[key] = float(value)
        except ValueError:
            raise DesignError(f"The design's {key} \"{value}\" is not a number.") from None
    return Design(base=base or DEFAULT_BASE, **values)
