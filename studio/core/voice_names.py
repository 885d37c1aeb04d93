"""Voice names: the voice families there are, how each names its voices, and the shape of every name a user gives
(a zoo name, a voice of the model store, a designed or cast voice's name).

Pure rules on strings, kept here in core so that a project file can be checked without the engine; the engine's
registry (engine/voices/registry.py) maps the same families to their implementations and uses the same rules.
"""

from __future__ import annotations

import re
from pathlib import Path

EMBEDDED = "embedded"  # espeak-ng, offline; its speakers ("en-us+f2") are voice names too
EMBEDDED_MODEL = "espeak-ng"
COQUI = "coqui"  # a Coqui model: a zoo name, a voice of the user's model store, or a model folder
HIBARI = "hibari"  # the hibari-tts package's voice
DESIGN = "design"  # a designed voice; its model is the design's name, or an inline design

# How a family's VoiceRef.model names a voice. NAMED: a fixed name, never a path. MODEL: a zoo or store name, or a
# model folder (a path, which a project file may use only inside its own folder). DESIGNED: a design's name or an
# inline design, whose base must be a voice name.
NAMED, MODEL, DESIGNED = "named", "model", "designed"
FAMILIES = {EMBEDDED: NAMED, HIBARI: NAMED, COQUI: MODEL, DESIGN: DESIGNED}

ZOO_KINDS = ("tts_models", "vocoder_models")
# A bare name with no path separator and no leading dot, so that it cannot point anywhere by itself ("..").
_STORE_NAME = re.compile(r"[A-Za-z0-9_+-][A-Za-z0-9_.+-]*")
_DESIGN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _.'-]{0,39}")


def naming(family: str) -> str | None:
    """NAMED, MODEL or DESIGNED for a known family; None for one this Speech Studio does not have."""
    return FAMILIES.get(family)


def is_zoo_name(spec: str) -> bool:
    """A name in Coqui's model zoo: "tts_models/en/vctk/vits"."""
    parts = spec.split("/")
    return len(parts) == 4 and parts[0] in ZOO_KINDS and ".." not in parts


def is_zoo_spec(spec: str) -> bool:
    """A zoo name that is not also a folder here (a folder of that name is opened as a folder)."""
    return is_zoo_name(spec) and not Path(spec).exists()


def is_store_name(spec: str) -> bool:
    """The shape of a voice in the user's model store ("en_US-joe-medium"); whether it is there is the store's
    business (engine/voices/coqui/store.py)."""
    return bool(_STORE_NAME.fullmatch(spec))


def is_voice_name(spec: str) -> bool:
    """A zoo or store name, never a path: what a designed voice may be based on."""
    return is_zoo_name(spec) or is_store_name(spec)


def is_design_name(name: str) -> bool:
    """What may name a designed voice (and so a voice of the cast or of the user's library)."""
    return bool(_DESIGN_NAME.fullmatch(name))


def same_name(name: str, asked: str) -> bool:
    """Whether `asked` (as the user typed it) names the cast or library voice `name`: in any case."""
    return name.lower() == asked.strip().lower()
