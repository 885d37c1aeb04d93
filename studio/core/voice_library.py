"""The user's voice library (designed voices by name) and the casting they chose (speaker name -> voice),
shared between projects. Both are JSON files in the user's config folder (core/user_files.py)."""

from __future__ import annotations

from studio.core.design import Design, DesignError
from studio.core.user_files import config_dir, read_json, write_json_atomic


def library_path():
    return config_dir() / "voices.json"


def casting_path():
    return config_dir() / "casting.json"


def load_designs() -> dict[str, Design]:
    """The library's designs; an entry that does not check is skipped."""
    out = {}
    for name, d in read_json(library_path()).get("designs", {}).items():
        try:
            design = Design.from_dict(d, name)
        except (DesignError, TypeError):
            continue
        out[design.name] = design
    return out


def save_design(design: Design) -> None:
    if not design.name:
        raise DesignError("Give the designed voice a name before you save it to the library.")
    designs = load_designs()
    designs[design.name] = design
    _write_designs(designs)


def delete_design(name: str) -> bool:
    """Remove a design from the library; False when there was none of that name. Projects that use it keep
    their own copy, so they still sound the same."""
    designs = load_designs()
    if designs.pop(name, None) is None:
        return False
    _write_designs(designs)
    return True


def _write_designs(designs: dict[str, Design]) -> None:
    write_json_atomic(library_path(), {"format": "speech-studio-voices",
                                       "designs": {n: d.as_dict() for n, d in sorted(designs.items())}})


def _speaker_key(name: str) -> str:
    return " ".join(name.split()).upper()  # ALICE, Alice and "alice " are one character


def load_casting() -> dict[str, str]:
    """Speaker name (upper case) -> the voice it was last given (a --voice spec: a cast name, a store voice...)."""
    data = read_json(casting_path()).get("speakers", {})
    return {_speaker_key(k): v for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and v}


def remembered_voice(speaker: str) -> str | None:
    return load_casting().get(_speaker_key(speaker))


def set_casting(table: dict[str, str]) -> None:
    """Replace the remembered casting with `table` (the preferences edit and remove pairs)."""
    clean = {_speaker_key(k): v.strip() for k, v in table.items() if k.strip() and v.strip()}
    write_json_atomic(casting_path(), {"format": "speech-studio-casting", "speakers": dict(sorted(clean.items()))})


def remember_casting(choices: dict[str, str]) -> None:
    """Add these speaker -> voice choices to the remembered ones (newest wins)."""
    if not choices:
        return
    table = load_casting()
    table.update({_speaker_key(k): v for k, v in choices.items()})
    write_json_atomic(casting_path(), {"format": "speech-studio-casting", "speakers": dict(sorted(table.items()))})

