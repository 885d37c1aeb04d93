"""The list behind `studio voices` and the model picker: every voice with what it can do and its license.

Nothing is loaded to build it: the embedded voice is described by its speakers, hibari by its package, zoo models by Coqui's own model
list (shipped inside coqui-tts, so it works offline), local folders by their config.json and model card.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.core.model import VoiceRef
from studio.core.voice_names import COQUI, DESIGN, EMBEDDED, EMBEDDED_MODEL
from studio.engine.voices.coqui import FORWARD, REFUSED, VITS
from studio.engine.errors import ModelError
from studio.engine.voices.coqui import folder_checks
from studio.engine.voices.coqui.cards import card_from, read_card
from studio.engine.voices.embedded.voice import SPEAKERS, EmbeddedVoice


# Zoo entries are named by checkpoint ("tacotron2-DDC_ph", "xtts_v2", "vits--neon", "jenny"), not by
# architecture; the family is the architecture name the entry starts with.
_FAMILIES = ["your_tts", "fastspeech2", "fast_pitch", "fast_speech", "vits", "xtts", "tortoise", "bark",
             "tacotron2", "tacotron", "glow_tts", "overflow", "neural_hmm", "speedy_speech", "delightful_tts"]
_ALIASES = {"jenny": "vits", "neural_hmm": "neuralhmm_tts"}


def family(name: str) -> str:
    n = name.lower().replace("-", "_")
    for fam in _FAMILIES:
        if n.startswith(fam):
            return _ALIASES.get(fam, fam)
    return _ALIASES.get(n, n)


def _arch_caps(arch: str) -> dict:
    arch = family(arch)
    if arch in FORWARD:
        return {"pitch": True, "energy": arch in ("fastspeech2", "fast_speech"), "duration": True, "supported": True}
    if arch in VITS:
        # Durations are native; pitch and energy go through the DSP layer (PSOLA and gain), as for the embedded
        # voice.
        return {"pitch": True, "energy": True, "duration": True, "supported": True}
    return {"pitch": False, "energy": False, "duration": False, "supported": False,
            "reason": REFUSED.get(arch, f"the '{arch}' architecture is not supported")}


def embedded_entries() -> list[dict]:
    caps = EmbeddedVoice().capabilities()
    return [{"name": s.id, "kind": "embedded", "status": "ready", "label": s.label, "pitch": True, "energy": True,
             "duration": True, "mix": True, "native": False, "license": caps.license,
             "commercial_use": caps.commercial_use, "speakers": [s.id]} for s in SPEAKERS]


def hibari_entries() -> list[dict]:
    """The hibari voice, described without loading it: "ready" where the package is installed."""
    from studio.engine.voices import hibari

    version = hibari.installed_version()
    status = "ready" if version == hibari.PINNED else "not installed" if version is None else "wrong version"
    return [{"name": hibari.NAME, "kind": "hibari", "status": status, "label": hibari.LABEL, "pitch": True,
             "energy": True, "duration": True, "mix": True, "native": True, "supported": True,
             "license": hibari.LICENSE, "commercial_use": True, "speakers": [hibari.NAME]}]


def zoo_entries() -> list[dict]:
    from TTS.utils.manage import ModelManager

    manager = ModelManager(progress_bar=False)
    out = []
    for lang, datasets in manager.models_dict.get("tts_models", {}).items():
        for dataset, models in datasets.items():
            for arch, info in models.items():
                name = f"tts_models/{lang}/{dataset}/{arch}"
                card = card_from(name, info)
                caps = _arch_caps(arch)
                local = Path(manager.output_prefix) / name.replace("/", "--")
                status = "unsupported" if not caps["supported"] else ("downloaded" if local.exists() else "download")
                out.append({"name": name, "kind": "zoo", "status": status, "label": card.description[:80],
                            "mix": caps["supported"] and dataset in ("vctk", "multi-dataset", "libritts"),
                            "native": True, "license": card.license, "commercial_use": card.commercial_use,
                            "default_vocoder": info.get("default_vocoder"), **caps})
    return out


def folder_entries(root: str | Path) -> list[dict]:
    out = []
    root = Path(root)
    try:
        candidates = [root] if os.path.lexists(root / "config.json") else sorted(p for p in root.iterdir() if p.is_dir())
    except OSError:
        return out
    for folder in candidates:
        if not os.path.lexists(folder / "config.json"):
            continue  # not a model folder: other folders may share the root
        try:
            out.append(_folder_entry(folder))
        except ModelError as exc:
            # A damaged or hostile folder is listed as unusable with the reason, never crashes the listing.
            out.append(_unusable(folder, str(exc)))
    return out


def _folder_entry(folder: Path) -> dict:
    config = folder_checks.read_json(folder / "config.json", folder, "a Coqui config")
    folder_checks.check_sizes(config)
    if not config.get("model"):
        raise ModelError("config.json names no model architecture, so it is not a Coqui model folder.")
    info = read_card(folder)
    card = card_from(folder.name, info)
    caps = _arch_caps(str(config["model"]))
    speakers = config.get("speakers") if isinstance(config.get("speakers"), list) else []
    speakers = [str(s) for s in speakers]
    return {"name": str(folder), "kind": "folder", "status": "ready" if caps["supported"] else "unsupported",
            "label": card.description, "mix": caps["supported"] and len(speakers) > 1, "native": True,
            "speakers": speakers, "license": card.license, "commercial_use": card.commercial_use,
            "card": info or {}, **caps}


def _unusable(folder: Path, reason: str) -> dict:
    return {"name": str(folder), "kind": "folder", "status": "unusable", "label": reason, "reason": reason,
            "mix": False, "native": True, "speakers": [], "license": "unknown", "commercial_use": False,
            "pitch": False, "energy": False, "duration": False, "supported": False}


def _licence_lines(card: dict) -> list[str]:
    lines = []
    if card.get("dataset_license"):
        lines.append(f"dataset licence: {card['dataset_license']}" +
                     (f" ({card['dataset_url']})" if card.get("dataset_url") else ""))
    if card.get("finetuned_from"):
        lines.append(f"base voice: {card['finetuned_from']}; the base voice's dataset licence applies too")
    return lines


def store_entries() -> list[dict]:
    """Voices in the user's model store, and the known voices (models/*.json) that convert on first use."""
    from studio.engine.voices.coqui import store

    out = {}
    root = store.root()
    if root.is_dir():
        for entry in folder_entries(root):
            name = Path(entry["name"]).name
            card = entry.pop("card", None)
            if card is None:  # unusable: the reason is the label
                out[name] = {**entry, "name": name, "kind": "store"}
                continue
            out[name] = {**entry, "name": name, "kind": "store", "label": card.get("description", entry["label"]),
                         "commercial_note": card.get("commercial_note", ""), "licence_lines": _licence_lines(card),
                         "mix": True}
    for name, manifest in store.manifests().items():
        if name in out:
            if out[name]["status"] == "unusable":
                continue  # the reason stays the label
            out[name]["label"] = manifest.get("label", out[name]["label"])
            continue
        card = manifest.get("card", {})
        info = {"dataset_license": card.get("dataset_license", ""), "dataset_url": card.get("dataset", ""),
                "finetuned_from": card.get("training", "").rstrip(".")}
        out[name] = {"name": name, "kind": "store", "status": "converts on first use", "label": manifest.get("label"),
                     "speakers": [name], "native": True, "license": f"dataset {info['dataset_license']}",
                     "commercial_use": False, "commercial_note": manifest.get("commercial_use", ""),
                     "licence_lines": _licence_lines(info), "mix": True, **_arch_caps(manifest["architecture"])}
    return list(out.values())


def cast_entries(others: list[dict]) -> list[dict]:
    """The default cast (engine/voices/cast.py), each with its voice's licence; a designed voice inherits its base
    voice's licence and says that it is derived. `others` are the catalog's other entries, where bases are found."""
    from studio.engine.voices.cast import cast

    by_name = {e["name"]: e for e in others}
    out = []
    for v in cast():
        base = by_name.get(v.base_model, {})
        lines = list(base.get("licence_lines", []))
        if v.design is not None:
            d = v.design
            lines.insert(0, f"designed from {d.base} (timbre x{d.timbre:g}, pitch x{d.pitch:g}, breath {d.breath:g}): "
                            "a derived work of that voice, under its licence")
        out.append({"name": v.name, "kind": "cast", "status": base.get("status", "ready"),
                    "label": v.label or base.get("label", ""), "pitch": True, "energy": True, "duration": True,
                    "mix": True, "native": base.get("native", True), "speakers": [v.name],
                    "voice": {"backbone": v.voice.backbone, "model": v.voice.model},
                    "design": v.design.as_dict() if v.design else None,
                    "license": base.get("license", "see the base voice"),
                    "commercial_use": base.get("commercial_use", False),
                    "commercial_note": base.get("commercial_note", ""), "licence_lines": lines})
    return out


def library_entries(others: list[dict]) -> list[dict]:
    """The designed voices of the user's library (core/voice_library.py), listed like the cast's designs."""
    from studio.core.voice_library import load_designs

    from studio.engine.voices.cast import find

    by_name = {e["name"]: e for e in others}
    out = []
    for name, d in sorted(load_designs().items()):
        if find(name) is not None:
            continue  # the cast's voice of that name is the one a name finds
        base = by_name.get(d.base, {})
        lines = [f"designed from {d.base} (timbre x{d.timbre:g}, pitch x{d.pitch:g}, breath {d.breath:g}): a "
                 "derived work of that voice, under its licence", *base.get("licence_lines", [])]
        out.append({"name": name, "kind": "library", "status": base.get("status", "ready"),
                    "label": f"your designed voice, from {d.base}", "pitch": True, "energy": True,
                    "duration": True, "mix": True, "native": base.get("native", True), "speakers": [name],
                    "voice": {"backbone": DESIGN, "model": name}, "design": d.as_dict(),
                    "license": base.get("license", "see the base voice"),
                    "commercial_use": base.get("commercial_use", False),
                    "commercial_note": base.get("commercial_note", ""), "licence_lines": lines})
    return out


def voice_of(entry: dict) -> VoiceRef:
    """The voice a catalogue entry names: what choosing it in the model picker gives a track."""
    from studio.engine.voices import hibari

    if entry["kind"] == "embedded":
        return VoiceRef(EMBEDDED, EMBEDDED_MODEL)
    if entry.get("voice"):  # a cast or library voice names its backbone and model
        return VoiceRef(entry["voice"]["backbone"], entry["voice"]["model"])
    if entry["kind"] == "hibari":
        return VoiceRef(hibari.FAMILY, entry["name"])
    return VoiceRef(COQUI, entry["name"])


def catalog(folders: list[str] | None = None) -> list[dict]:
    entries = store_entries() + hibari_entries() + embedded_entries()
    for root in folders or []:
        if Path(root).is_dir():
            entries.extend(folder_entries(root))
    for entry in entries:
        entry.pop("card", None)  # a dataclass, for store_entries only; the listing is plain JSON
    try:
        entries.extend(zoo_entries())
    except Exception:  # noqa: BLE001 - without Coqui's list the embedded voice and folders still show
        pass
    # The cast first (the voices a dialogue gets out of the box), then the user's own designs.
    return cast_entries(entries) + library_entries(entries) + entries
