"""Turning a Piper voice (VITS exported to ONNX) into an ordinary Coqui `Vits` model folder.

The graph is read with the `onnx` package as data: initializers (tensors), node names and node attributes.
Nothing in the file is executed. Every hyperparameter comes from the graph or the voice's .onnx.json:

- sizes from tensor shapes (hidden and filter channels, heads from the relative-attention tables, layers by count);
- kernels, dilations and upsample rates from the Conv and ConvTranspose nodes' attributes;
- the sample rate, espeak voice, inference scales and speakers from the json.

Piper's names follow the original VITS repository (enc_p, dp, flow, dec). Weights the exporter left anonymous
("onnx::Conv_8168") are named after the node that consumes them ("/flow/flows.6/enc/in_layers.0/Conv"), so their
order in the file does not matter. `dp.flows.0.logs` survives only folded as exp(-logs), and is unfolded.
The parts of VITS that only training uses (posterior encoder, the duration predictor's posterior flows, the
discriminator) are not in the export; the folder says so and the loader accepts their absence.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from studio.engine.voices.coqui.architectures import TRAINING_ONLY
from studio.engine.errors import PiperImportError

# Coqui's VITS fixes these; a graph that differs cannot be expressed as a Coqui `Vits` and is refused.
COQUI_FIXED = {"flows": 4, "attention window": 4, "duration predictor channels": 192, "duration flows": 4}


# Bumped when the conversion or the card changes, so that stored conversions are made again.
CONVERTER_VERSION = 2


@dataclass(frozen=True)
class PiperVoice:
    """What the graph and its json say about a voice."""

    name: str
    onnx_path: Path
    sha256: str
    weights: dict[str, np.ndarray]  # VITS (Piper) parameter names
    model_args: dict
    sample_rate: int
    espeak_voice: str
    inference: dict
    vocabulary: str  # one character per id, in id order
    speakers: list[str]
    card: dict


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_json(onnx_path: Path) -> dict:
    json_path = onnx_path.with_name(onnx_path.name + ".json")
    if not json_path.is_file():
        raise PiperImportError(f"{onnx_path.name} has no {json_path.name} beside it; a Piper voice needs both files.")
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PiperImportError(f"{json_path.name} is not valid JSON ({exc.__class__.__name__}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("phoneme_id_map"), dict):
        raise PiperImportError(f"{json_path.name} has no phoneme_id_map; it is not a Piper voice config.")
    return data


def _module_of(node_name: str) -> str:
    """'/flow/flows.6/enc/in_layers.0/Conv' -> 'flow.flows.6.enc.in_layers.0'."""
    return ".".join(node_name.strip("/").split("/")[:-1])


def _named_weights(graph) -> dict[str, np.ndarray]:
    """Every parameter of the graph under its VITS name, anonymous ones named by their consumer."""
    from onnx import numpy_helper

    inits = {t.name: t for t in graph.initializer}
    out: dict[str, np.ndarray] = {}
    for name, tensor in inits.items():
        if re.match(r"^(enc_p|dp|flow|dec|emb_g)\.", name):
            out[name] = numpy_helper.to_array(tensor)
    for node in graph.node:
        for slot, value in enumerate(node.input):
            if value not in inits or value in out or re.match(r"^(enc_p|dp|flow|dec|emb_g)\.", value):
                continue
            arr = numpy_helper.to_array(inits[value])
            if node.op_type in ("Conv", "ConvTranspose") and slot in (1, 2):
                out[f"{_module_of(node.name)}.{'weight' if slot == 1 else 'bias'}"] = arr
            elif node.op_type == "Gather" and slot == 0 and arr.ndim == 2:
                out[f"{_module_of(node.name)}.weight"] = arr  # embedding tables (the text one is named "sid")
            elif value.startswith("/dp/flows.0/Exp"):
                out["dp.flows.0.logs"] = -np.log(arr)  # folded as exp(-logs) by the exporter
    return out


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv_nodes(graph) -> dict[str, dict]:
    return {_module_of(n.name): _attrs(n) for n in graph.node if n.op_type in ("Conv", "ConvTranspose")}


def _count(weights: dict, pattern: str) -> int:
    found = {int(m.group(1)) for k in weights if (m := re.match(pattern, k))}
    return max(found) + 1 if found else 0


def _require(cond: bool, onnx_path: Path, what: str) -> None:
    if not cond:
        raise PiperImportError(f"{onnx_path.name} has a layer Speech Studio does not understand: {what}.")


def derive_args(weights: dict, convs: dict, onnx_path: Path) -> dict:
    """Coqui VitsArgs read off the graph; raises PiperImportError for anything Coqui's Vits cannot express."""
    w = weights
    for key in ("enc_p.proj.weight", "enc_p.emb.weight", "dec.conv_pre.weight", "dp.pre.weight"):
        _require(key in w, onnx_path, f"no {key}")
    hidden = int(w["enc_p.proj.weight"].shape[1])
    rel = w["enc_p.encoder.attn_layers.0.emb_rel_k"]
    heads = hidden // int(rel.shape[2])
    window = (int(rel.shape[1]) - 1) // 2
    _require(window == COQUI_FIXED["attention window"], onnx_path, f"attention window {window} (Coqui uses 4)")
    flows = sorted({int(m.group(1)) for k in w if (m := re.match(r"flow\.flows\.(\d+)\.", k))})
    _require(len(flows) == COQUI_FIXED["flows"], onnx_path, f"{len(flows)} coupling flows (Coqui uses 4)")
    f0 = flows[0]
    wn_layers = _count(w, rf"flow\.flows\.{f0}\.enc\.in_layers\.(\d+)\.")
    dil = convs.get(f"flow.flows.{f0}.enc.in_layers.1", {}).get("dilations", [1])[0] if wn_layers > 1 else 1
    use_sdp = any(k.startswith("dp.flows.") for k in w)
    _require(not use_sdp or w["dp.pre.weight"].shape[0] == COQUI_FIXED["duration predictor channels"], onnx_path,
             "a stochastic duration predictor whose width is not 192")
    ups = _count(w, r"dec\.ups\.(\d+)\.")
    resblocks = _count(w, r"dec\.resblocks\.(\d+)\.")
    _require(ups > 0 and resblocks % ups == 0, onnx_path, "a decoder whose resblocks do not divide its upsamplers")
    kinds = resblocks // ups
    rtype = "1" if any(".convs1." in k for k in w if k.startswith("dec.resblocks.")) else "2"
    conv_names = "convs1" if rtype == "1" else "convs"
    kernels, dilations = [], []
    for j in range(kinds):
        n_convs = _count(w, rf"dec\.resblocks\.{j}\.{conv_names}\.(\d+)\.")
        kernels.append(int(w[f"dec.resblocks.{j}.{conv_names}.0.weight"].shape[2]))
        dilations.append([int(convs[f"dec.resblocks.{j}.{conv_names}.{i}"]["dilations"][0]) for i in range(n_convs)])
    up_rates = [int(convs[f"dec.ups.{i}"]["strides"][0]) for i in range(ups)]
    up_kernels = [int(convs[f"dec.ups.{i}"]["kernel_shape"][0]) for i in range(ups)]
    args = {
        "num_chars": int(w["enc_p.emb.weight"].shape[0]),
        "hidden_channels": hidden,
        "hidden_channels_ffn_text_encoder": int(w["enc_p.encoder.ffn_layers.0.conv_1.weight"].shape[0]),
        "num_heads_text_encoder": heads,
        "num_layers_text_encoder": _count(w, r"enc_p\.encoder\.attn_layers\.(\d+)\."),
        "kernel_size_text_encoder": int(w["enc_p.encoder.ffn_layers.0.conv_1.weight"].shape[2]),
        "kernel_size_flow": int(w[f"flow.flows.{f0}.enc.in_layers.0.weight"].shape[2]),
        "dilation_rate_flow": int(dil),
        "num_layers_flow": wn_layers,
        "use_sdp": use_sdp,
        "resblock_type_decoder": rtype,
        "resblock_kernel_sizes_decoder": kernels,
        "resblock_dilation_sizes_decoder": dilations,
        "upsample_rates_decoder": up_rates,
        "upsample_initial_channel_decoder": int(w["dec.conv_pre.weight"].shape[0]),
        "upsample_kernel_sizes_decoder": up_kernels,
        "init_discriminator": False,
    }
    if "emb_g.weight" in w:
        args.update(use_speaker_embedding=True, speaker_embedding_channels=int(w["emb_g.weight"].shape[1]))
    return args


def _vocabulary(config: dict, num_chars: int, json_name: str) -> str:
    """One character per id; ids the map does not use get private-use placeholders that text never contains."""
    slots: list[str | None] = [None] * num_chars
    for symbol, ids in config["phoneme_id_map"].items():
        if not isinstance(ids, list) or len(ids) != 1 or len(symbol) != 1:
            raise PiperImportError(f"{json_name} maps '{symbol}' to {ids}; Speech Studio needs one id per "
                                   "one-character symbol.")
        if not 0 <= ids[0] < num_chars:
            raise PiperImportError(f"{json_name} maps '{symbol}' to id {ids[0]}, but the graph has only {num_chars} "
                                   "symbols; the json does not belong to this graph.")
        slots[ids[0]] = symbol
    if slots[:3] != ["_", "^", "$"]:
        raise PiperImportError(f"{json_name} does not put '_', '^' and '$' at ids 0, 1 and 2 as Piper does.")
    return "".join(s if s is not None else chr(0xE000 + i) for i, s in enumerate(slots))


def _speakers(config: dict, n: int) -> list[str]:
    names = [f"speaker_{i}" for i in range(n)]
    for name, sid in (config.get("speaker_id_map") or {}).items():
        if isinstance(sid, int) and 0 <= sid < n:
            names[sid] = str(name)
    return names


def _card_lines(onnx_path: Path) -> dict:
    """Dataset, licence and base voice from Piper's MODEL_CARD (a small markdown file) where there is one."""
    info = {"dataset_url": "", "dataset_license": "unknown", "finetuned_from": ""}
    for candidate in (onnx_path.with_name("MODEL_CARD"), onnx_path.with_suffix(".md")):
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8", errors="replace")
            if m := re.search(r"\*\s*URL:\s*(\S+)", text):
                info["dataset_url"] = m.group(1)
            if m := re.search(r"\*\s*License:\s*(.+)", text):
                info["dataset_license"] = m.group(1).strip()
            if m := re.search(r"^(Fine-?tuned from .+?)\.?$", text, re.M | re.I):
                info["finetuned_from"] = m.group(1).strip()
            break
    return info


def read_piper(onnx_path: str | Path, name: str | None = None) -> PiperVoice:
    """Parse a Piper voice without executing it. Raises PiperImportError with one sentence."""
    import onnx

    path = Path(onnx_path).expanduser()
    if not path.is_file():
        raise PiperImportError(f"{path} does not exist; give the path of a Piper .onnx voice.")
    config = _read_json(path)
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # noqa: BLE001 - protobuf raises several types for a damaged file
        raise PiperImportError(f"{path.name} is not a readable ONNX file ({exc.__class__.__name__}); it may be "
                               "truncated, so download it again.") from None
    inputs = {i.name for i in model.graph.input}
    if not {"input", "input_lengths", "scales"} <= inputs:
        raise PiperImportError(f"{path.name} is an ONNX graph but not a Piper voice: it lacks Piper's inputs "
                               "(input, input_lengths, scales).")
    weights = _named_weights(model.graph)
    try:
        args = derive_args(weights, _conv_nodes(model.graph), path)
    except (KeyError, IndexError) as exc:
        raise PiperImportError(f"{path.name} has a layer Speech Studio does not understand: missing {exc}.") from None
    vocab = _vocabulary(config, args["num_chars"], path.name + ".json")
    n_speakers = int(config.get("num_speakers", 1) or 1)
    in_graph = int(weights["emb_g.weight"].shape[0]) if "emb_g.weight" in weights else 1
    if n_speakers != in_graph:
        raise PiperImportError(f"{path.name}.json says {n_speakers} speakers but the graph has {in_graph}; the "
                               "json does not belong to this graph.")
    audio = config.get("audio") or {}
    return PiperVoice(
        name=name or path.name.removesuffix(".onnx"), onnx_path=path, sha256=_sha256(path), weights=weights,
        model_args=args, sample_rate=int(audio.get("sample_rate", 22050)),
        espeak_voice=str((config.get("espeak") or {}).get("voice", "en-us")),
        inference=dict(config.get("inference") or {}), vocabulary=vocab,
        speakers=_speakers(config, in_graph) if in_graph > 1 else [],
        card={**_card_lines(path), "language": str((config.get("language") or {}).get("code", "")),
              "dataset": str(config.get("dataset", ""))})


def coqui_key(name: str) -> str:
    """A VITS (Piper) parameter name as Coqui's Vits names it (see TTS/tts/utils/fairseq.py)."""
    if name.startswith("dec.cond."):
        return "waveform_decoder.cond_layer." + name[len("dec.cond."):]
    for old, new in (("enc_p.", "text_encoder."), ("dec.", "waveform_decoder.")):
        if name.startswith(old):
            return new + name[len(old):]
    if m := re.match(r"flow\.flows\.(\d+)\.(.*)", name):
        return f"flow.flows.{int(m.group(1)) // 2}.{m.group(2)}"
    if m := re.match(r"dp\.flows\.0\.(m|logs)$", name):
        return "duration_predictor.flows.0." + {"m": "translation", "logs": "log_scale"}[m.group(1)]
    if m := re.match(r"dp\.flows\.(\d+)\.(.*)", name):
        return f"duration_predictor.flows.{(int(m.group(1)) + 1) // 2}.{m.group(2)}"
    if name.startswith("dp."):
        return "duration_predictor." + name[3:]
    return name  # emb_g.weight


def coqui_config(voice: PiperVoice):
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig

    inf = voice.inference
    args = VitsArgs(**voice.model_args, inference_noise_scale=float(inf.get("noise_scale", 0.667)),
                    inference_noise_scale_dp=float(inf.get("noise_w", 0.8)),
                    length_scale=float(inf.get("length_scale", 1.0)))
    config = VitsConfig(model_args=args, use_phonemes=True, phonemizer="espeak", phoneme_language=voice.espeak_voice,
                        add_blank=True, enable_eos_bos_chars=True, text_cleaner=None,
                        characters=CharactersConfig(
                            characters_class="studio.engine.voices.coqui.piper_characters.PiperCharacters",
                            characters=voice.vocabulary, punctuations="", pad="_", eos="$", bos="^", blank="_",
                            is_unique=False, is_sorted=False))
    config.audio.sample_rate = voice.sample_rate
    config.inference_noise_scale = args.inference_noise_scale
    if voice.speakers:
        config.use_speaker_embedding = True
        config.speakers = list(voice.speakers)
        config.num_speakers = len(voice.speakers)
    return config


def coqui_state(voice: PiperVoice, config) -> dict:
    """Coqui's state dict for the voice: built into a real `Vits` so weight norm is split exactly as Coqui does."""
    import torch
    from TTS.tts.models import setup_model

    model = setup_model(config)
    targets = dict(model.named_parameters())
    modules = dict(model.named_modules())
    seen = set()
    with torch.no_grad():
        for name, arr in voice.weights.items():
            key = coqui_key(name)
            module_name, _, attr = key.rpartition(".")
            module = modules.get(module_name)
            tensor = torch.from_numpy(np.array(arr, dtype=np.float32))
            if module is None or not hasattr(module, attr):
                raise PiperImportError(f"{voice.onnx_path.name} has a layer Speech Studio does not understand: "
                                       f"{name} has no place in Coqui's VITS.")
            current = getattr(module, attr)
            if tuple(current.shape) != tuple(tensor.shape):
                raise PiperImportError(f"{voice.onnx_path.name} has a layer Speech Studio does not understand: "
                                       f"{name} is {tuple(tensor.shape)}, Coqui expects {tuple(current.shape)}.")
            if key in targets:
                targets[key].copy_(tensor)
            else:
                setattr(module, attr, tensor)  # a weight-normed weight: the parametrization splits it
            seen.add(key)
    state = {k: v for k, v in model.state_dict().items() if not k.startswith(TRAINING_ONLY)}
    needed = {k.replace(".parametrizations.weight.original0", ".weight").replace(
        ".parametrizations.weight.original1", ".weight") for k in state}
    missing = sorted(needed - seen)
    if missing:
        raise PiperImportError(f"{voice.onnx_path.name} lacks weights Coqui's VITS needs, such as {missing[0]}; "
                               "it is not a complete Piper voice.")
    return state


def model_card(voice: PiperVoice, source: str) -> dict:
    c = voice.card
    base = c["finetuned_from"]
    lic = f"dataset {c['dataset_license']}" + (f"; {base[0].lower() + base[1:]}, which carries its own dataset "
                                               "licence" if base else "")
    return {
        "name": voice.name, "language": c["language"], "license": lic,
        # A fine-tuned voice inherits what its base was trained on; without the base's terms, do not say "yes".
        "commercial_use": False if base else None,
        "commercial_note": "check the base voice's licence" if base else "",
        "dataset": c["dataset"], "dataset_url": c["dataset_url"], "dataset_license": c["dataset_license"],
        "finetuned_from": base, "source": source, "source_file": voice.onnx_path.name, "sha256": voice.sha256,
        "architecture": "vits (Piper export, converted to Coqui)", "espeak_voice": voice.espeak_voice,
        "frontend": "piper", "speakers": voice.speakers,
        "training_parts": "not included: Piper exports only what inference uses",
        "description": f"Piper voice {voice.name}, converted from ONNX",
        "converter_version": CONVERTER_VERSION,
    }


def write_folder(voice: PiperVoice, dest: Path, source: str = "",
                 progress: Callable[[str], None] | None = None) -> Path:
    """Write config.json, model.pth (a plain state dict) and model_card.json; atomic: a temp folder renamed."""
    import torch

    say = progress or (lambda _m: None)
    say(f"Converting {voice.onnx_path.name} into a Coqui VITS model…")
    config = coqui_config(voice)
    state = coqui_state(voice, config)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=dest.parent))
    try:
        config.save_json(str(tmp / "config.json"))
        torch.save({"model": state}, tmp / "model.pth")
        (tmp / "model_card.json").write_text(json.dumps(model_card(voice, source), indent=2, ensure_ascii=False),
                                             encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"Converted {voice.name} ({math.fsum(v.numel() for v in state.values()) / 1e6:.1f} M parameters).")
    return dest
