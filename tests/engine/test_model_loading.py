"""Model management: safe checkpoints, zoo names offline, refused architectures, licenses."""

import json
import shutil

import pytest
import torch

from studio.engine.voices import coqui
from studio.engine.errors import ModelError, UnsafeCheckpoint
from studio.engine.voices.coqui.cards import card_from
from studio.engine.voices.coqui.loading import load_checkpoint, open_folder


class Payload:
    """Unpickling this runs code: it is what a malicious checkpoint carries."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_checkpoint_with_a_pickle_payload_is_refused_and_runs_nothing(tiny_models, tmp_path):
    folder = tmp_path / "evil"
    shutil.copytree(tiny_models["fastpitch"], folder, ignore=shutil.ignore_patterns("vocoder"))
    marker = tmp_path / "payload-ran"
    state = torch.load(folder / "model.pth", weights_only=True)
    state["extra"] = Payload(str(marker))
    torch.save(state, folder / "model.pth")
    with pytest.raises(UnsafeCheckpoint, match="could run code"):
        coqui.load(str(folder))
    assert not marker.exists()


def test_trusted_checkpoints_may_hold_python_objects(tmp_path):
    path = tmp_path / "legacy.pth"
    torch.save({"model": {"w": torch.zeros(2)}, "args": argparse_namespace()}, path)
    with pytest.raises(UnsafeCheckpoint):
        load_checkpoint(path)
    assert load_checkpoint(path, trusted=True)["args"].lr == 0.1


def argparse_namespace():
    import argparse
    return argparse.Namespace(lr=0.1)


def test_truncated_checkpoint_gives_one_sentence(tiny_models, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(tiny_models["fastpitch"], folder, ignore=shutil.ignore_patterns("vocoder"))
    data = (folder / "model.pth").read_bytes()
    (folder / "model.pth").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelError, match="not a readable PyTorch checkpoint"):
        coqui.load(str(folder))


def test_zoo_name_offline_gives_one_sentence(monkeypatch):
    from TTS.utils.manage import ModelManager

    def offline(self, name):
        raise ConnectionError("Name or service not known")
    monkeypatch.setattr(ModelManager, "download_model", offline)
    with pytest.raises(ModelError) as info:
        coqui.load("tts_models/en/vctk/vits")
    assert "Could not download tts_models/en/vctk/vits" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("arch, phrase", [("xtts", "token by token"), ("bark", "no phoneme alignment"),
                                          ("tacotron2", "attention"), ("made_up_tts", "does not support")])
def test_models_without_phoneme_alignment_are_refused_with_the_reason(tmp_path, arch, phrase):
    folder = tmp_path / arch
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model": arch}))
    (folder / "model.pth").write_bytes(b"")
    with pytest.raises(ModelError, match=phrase):
        coqui.load(str(folder))


def test_not_a_model_folder(tmp_path):
    with pytest.raises(ModelError, match="not a folder"):
        open_folder(tmp_path / "missing")
    with pytest.raises(ModelError, match="no config.json"):
        open_folder(tmp_path)


@pytest.mark.parametrize("license, commercial", [("apache 2.0", True), ("CC BY-NC-ND 4.0", False), ("CPML", False),
                                                 ("MIT", True), ("bsd-3-clause", True), (None, False)])
def test_license_cards(license, commercial):
    assert card_from("m", {"license": license}).commercial_use is commercial

