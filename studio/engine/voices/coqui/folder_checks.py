"""Cheap checks on a model folder, made before anything heavy reads it.

A model folder comes from anywhere (a download, a colleague, an attacker). Before Coqui builds a model or torch
reads a checkpoint, each file here is checked for what would hang, exhaust memory or crash with a traceback:
JSON that is huge or nested past the recursion limit, size fields that ask for a model of a billion channels,
a checkpoint that is a FIFO, a device or a link out of the folder, a zip whose entries inflate to gigabytes, a file
that is not a checkpoint at all, and a checkpoint made for another architecture. Each refusal is one sentence.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from pathlib import Path

from studio.core.files import read_capped

# loading imports this module lazily, so there is no cycle at import time
from studio.engine.errors import RefusedFolder

JSON_CAP = 4 * 2**20  # the largest Coqui config seen is ~100 kB; speaker lists stay well under this
MAX_DEPTH = 64  # Coqui configs nest 4 levels deep
CHECKPOINT_CAP = 8 * 2**30  # on disk and inflated; XTTS, the largest Coqui model, is under 2 GB
# torch.save stores its entries uncompressed, so the inflated total is the file's size; a ratio far above 1 is a
# zip bomb, not a checkpoint.
INFLATE_RATIO = 4
INFLATE_SLACK = 16 * 2**20
MAX_ENTRIES = 1_000_000
# torch.save's format before 1.6: a pickle (protocol 2) whose first object is this magic number.
LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"

# Integer size fields of Coqui configs (model_args, audio, vocoder params) and the largest sane value of each kind.
# Real models use at most 1,536 channels and 16-wide kernels; the bounds leave headroom while keeping one layer
# under a few hundred MB. A value outside them is a damaged or hostile config, refused before setup_model.
_BOUNDS = [
    (re.compile(r"sample_rate"), 192_000),
    (re.compile(r"fft_size|win_length|hop_length"), 65_536),
    (re.compile(r"num_speakers|num_chars|num_languages"), 65_536),
    (re.compile(r"channel|_dim$|^dim|hidden|filter|num_mels"), 4_096),
    (re.compile(r"kernel|dilation|layers|heads|upsample|factors|segment_size|stacks|blocks"), 256),
]


def read_json(path: Path, folder: Path, what: str, limit: int = JSON_CAP):
    """The parsed contents of a JSON file in a model folder: a regular file inside the folder, at most `limit`
    bytes, nested at most MAX_DEPTH deep. Accepts the // and /* */ comments old Coqui configs carry."""
    _inside(path, folder)
    raw = read_capped(path, limit, what, RefusedFolder)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RefusedFolder(f"{path} is not UTF-8 text, so it is not {what}.") from None
    return parse_json(text, path.name, what)


def parse_json(text: str, name: str, what: str):
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise RefusedFolder(f"{name} is nested {depth} levels deep (at most {MAX_DEPTH}), so it is not {what}.")
    try:
        try:
            return json.loads(text)
        except ValueError:
            # Coqui's own fallback for configs with comments; strings are kept whole so URLs survive.
            stripped = re.sub(r"(\"(?:[^\"\\]|\\.)*\")|(/\*(?:.|[\n\r])*?\*/)|(//.*)",
                              lambda m: m.group(1) or "", text)
            return json.loads(stripped)
    except (ValueError, RecursionError) as exc:
        raise RefusedFolder(f"{name} is not valid JSON ({str(exc).split(':')[0]}), so it is not {what}.") from None


def _depth(text: str) -> int:
    """The deepest bracket nesting outside strings, counted without recursion so that '[' * 100000 costs
    milliseconds and never reaches json's recursion limit."""
    brackets = re.sub(r"[^\[\]{}]", "", re.sub(r"\"(?:[^\"\\]|\\.)*\"", "", text))
    deepest = level = 0
    for ch in brackets:
        if ch in "[{":
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                break
        else:
            level -= 1
    return deepest


def check_sizes(config: dict, name: str = "config.json") -> None:
    """Every size field in a config is a whole number within its bound, so that building the model cannot ask
    for gigabytes. Walks model_args, audio and the vocoder's params, nested dicts and lists included."""
    if not isinstance(config, dict):
        raise RefusedFolder(f"{name} holds a {type(config).__name__}, not a settings object; it is not a Coqui config.")
    sections = {k: config.get(k) for k in ("model_args", "audio", "generator_model_params")}
    top = {k: v for k, v in config.items() if k not in sections}
    _walk(top, "", name, nested=False)
    for key, value in sections.items():
        if value is not None:
            _walk(value, key + ".", name, nested=True)


def _walk(value, where: str, name: str, nested: bool) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if nested or not isinstance(item, (dict, list)):
                _walk(item, f"{where}{key}" if not isinstance(item, dict) else f"{where}{key}.", name, nested)
        return
    key = where.rstrip(".").rsplit(".", 1)[-1]
    bound = next((b for pattern, b in _BOUNDS if pattern.search(key)), None)
    if bound is None or value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, list):
        for item in value:
            _walk(item, where, name, nested)
        return
    if not isinstance(value, int) or not 0 <= value <= bound:
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)[:40]
        raise RefusedFolder(f"{name}: {where.rstrip('.')} is {shown}, not a whole number from 0 to {bound}; "
                         "the config is damaged or was not made for this model.")


def _inside(path: Path, folder: Path) -> None:
    """A file of the folder that is a link must stay inside it: model.pth -> /etc/passwd is refused."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(folder.resolve()):
            raise RefusedFolder(f"{path.name} is a link to {target}, outside the model folder; copy the file into "
                             "the folder instead.")


def check_checkpoint(path: Path, folder: Path) -> None:
    """A checkpoint torch may read: a regular file inside the folder, of sane size, that really is a PyTorch
    zip (or legacy pickle) whose entries do not inflate past the cap. Reads the first bytes and the zip's
    central directory only."""
    _inside(path, folder)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise RefusedFolder(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if not stat.S_ISREG(st.st_mode):
        raise RefusedFolder(f"{path.name} is not a regular file (a folder, device or pipe), so it is not a checkpoint.")
    if st.st_size > CHECKPOINT_CAP:
        raise RefusedFolder(f"{path.name} is {st.st_size / 2**30:.1f} GB, over the {CHECKPOINT_CAP // 2**30} GB a "
                         "checkpoint may have.")
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the stat, opening it does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise RefusedFolder(f"{path.name} is not a regular file, so it is not a checkpoint.")
            head = fh.read(64)
            if head.startswith(b"PK"):
                _check_zip(fh, path, st.st_size)
            elif not head.startswith(LEGACY_MAGIC):
                raise RefusedFolder(f"{path.name} is not a PyTorch checkpoint (not a zip file): {describe(head)}; "
                                 "download the model again.")
    except OSError as exc:
        raise RefusedFolder(f"{path} cannot be read ({exc.strerror or exc}).") from None


def _check_zip(fh, path: Path, size: int) -> None:
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise RefusedFolder(f"{path.name} is a damaged zip file ({exc}), not a readable PyTorch checkpoint; "
                         "download the model again.") from None
    if len(infos) > MAX_ENTRIES:
        raise RefusedFolder(f"{path.name} holds {len(infos):,} entries, too many for a checkpoint.")
    inflated = sum(i.file_size for i in infos)
    if inflated > min(CHECKPOINT_CAP, size * INFLATE_RATIO + INFLATE_SLACK):
        raise RefusedFolder(f"{path.name} would inflate from {size / 2**20:.1f} MB to {inflated / 2**30:.1f} GB, "
                         "so it is a zip bomb, not a checkpoint; it was not loaded.")
    if not any(i.filename.endswith("data.pkl") for i in infos):
        raise RefusedFolder(f"{path.name} is a zip file without a PyTorch data.pkl, so it is not a checkpoint.")


def describe(head: bytes) -> str:
    """What the first bytes of a file that should have been a checkpoint really are, in a few words."""
    if not head:
        return "the file is empty"
    if head.startswith(b"\x80"):
        return "it is a plain Python pickle, which could run code while loading"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "it is an HTML page, probably a failed download"
    if head.startswith(b"\x1f\x8b"):
        return "it is gzip-compressed"
    if len(head) > 8 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < 2**30:
        return "it is a safetensors file, which Speech Studio does not read"
    if lowered.startswith((b"{", b"[")):
        return "it is JSON text"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "it holds unknown binary data"
    return "it is a text file" if all(c.isprintable() or c in "\t\r\n" for c in text) else "it holds unknown data"


# The leading names of each family's weights, which tell a FastPitch checkpoint from a VITS one without
# building either model.
_FAMILY_KEYS = {
    "vits": ("text_encoder.", "waveform_decoder."),
    "forward": ("encoder.", "decoder.", "duration_predictor."),
}


def check_weights(state, path: Path, family: str, arch: str) -> None:
    """The checkpoint holds a state dict of the family its config names, before the model is built."""
    weights = state.get("model") if isinstance(state, dict) else None
    if not isinstance(weights, dict) or not weights:
        found = "no 'model' entry" if isinstance(state, dict) else f"a {type(state).__name__}"
        raise RefusedFolder(f"{path.name} holds {found}, not a Coqui model's weights; download the model again.")
    names = [k for k in weights if isinstance(k, str)]
    need = _FAMILY_KEYS.get(family, ())
    if all(any(k.startswith(prefix) for k in names) for prefix in need):
        return
    other = next((f for f, keys in _FAMILY_KEYS.items()
                  if f != family and all(any(k.startswith(p) for k in names) for p in keys)), None)
    seen = other and {"vits": "a VITS model", "forward": "a FastPitch-type model"}[other]
    raise RefusedFolder(f"{path.name} holds the weights of {seen or 'another kind of model'}, not of the {arch} "
                     "model its config.json names; the folder mixes two models.")
