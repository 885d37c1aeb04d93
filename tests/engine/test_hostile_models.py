"""Issue 15.5: hostile model folders are refused in one sentence before anything heavy happens: no model is
built for a bad config or a checkpoint of the wrong kind, torch reads no checkpoint that is a link out of the
folder, a FIFO, a zip bomb or not a checkpoint at all, and nothing hangs."""

import json
import os
import shutil
import threading
import time
import zipfile

import pytest
import torch

from studio.cli import main
from studio.engine.voices import coqui
from studio.engine.voices.catalog import catalog
from studio.engine.errors import ModelError


@pytest.fixture
def vits(tiny_models, tmp_path):
    folder = tmp_path / "voice"
    shutil.copytree(tiny_models["vits_multispeaker"], folder)
    return folder


def _config(folder, change):
    config = json.loads((folder / "config.json").read_text())
    change(config)
    (folder / "config.json").write_text(json.dumps(config))


def hidden(value):
    return lambda folder: _config(folder, lambda c: c["model_args"].update(hidden_channels=value))


def fft(value):
    return lambda folder: _config(folder, lambda c: c["audio"].update(fft_size=value))


def fastpitch_weights(tiny):
    return lambda folder: shutil.copy(tiny["fastpitch"] / "model.pth", folder / "model.pth")


def foreign_keys(folder):
    torch.save({"model": {"layer.weight": torch.zeros(3)}}, folder / "model.pth")


def not_a_dict(folder):
    torch.save([torch.zeros(3)], folder / "model.pth")


def link_out(folder):
    (folder / "model.pth").unlink()
    os.symlink("/etc/passwd", folder / "model.pth")


def fifo(folder):
    (folder / "model.pth").unlink()
    os.mkfifo(folder / "model.pth")


def nested(name):
    return lambda folder: (folder / name).write_text("[" * 100_000)


def text_file(folder):
    (folder / "model.pth").write_text("root:x:0:0:root:/root:/bin/bash\n")


def html_page(folder):
    (folder / "model.pth").write_text("<!DOCTYPE html><html><body>404</body></html>")


def zip_bomb(folder):
    """A torch-like zip whose zeros inflate 1,000-fold: 64 MB from about 64 kB."""
    with zipfile.ZipFile(folder / "model.pth", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        with archive.open("archive/data/0", "w") as entry:
            block = bytes(2**20)
            for _ in range(64):
                entry.write(block)


def card(text):
    return lambda folder: (folder / "model_card.json").write_text(text)


CASES = {
    "hidden 1e9": (hidden(1e9), "hidden_channels is 1e+09, not a whole number from 0 to 4096"),
    "hidden -5": (hidden(-5), "hidden_channels is -5, not a whole number"),
    "hidden 1000000000": (hidden(10**9), "hidden_channels is 1000000000"),
    "fft 1e9": (fft(10**9), "audio.fft_size is 1000000000"),
    "FastPitch weights": (None, "weights of a FastPitch-type model, not of the vits model"),
    "foreign keys": (foreign_keys, "weights of another kind of model"),
    "not a state dict": (not_a_dict, "holds a list, not a Coqui model's weights"),
    "link to /etc/passwd": (link_out, "a link to /etc/passwd, outside the model folder"),
    "FIFO model.pth": (fifo, "not a regular file"),
    "nested config": (nested("config.json"), "nested 65 levels deep"),
    "nested card": (nested("model_card.json"), "nested 65 levels deep"),
    "card is a list": (card("[1, 2]"), "holds a list, not a model card"),
    "card not JSON": (card("{license: MIT"), "model_card.json is not valid JSON"),
    "text checkpoint": (text_file, "not a PyTorch checkpoint (not a zip file): it is a text file"),
    "HTML checkpoint": (html_page, "it is an HTML page, probably a failed download"),
    "zip bomb": (zip_bomb, "zip bomb"),
}


def refuse(spec: str) -> str:
    """coqui.load's one sentence, from a thread so that a hang fails the test instead of the suite."""
    result = {}

    def run():
        try:
            coqui.load(spec)
        except ModelError as exc:
            result["error"] = str(exc)
        except BaseException as exc:  # noqa: BLE001 - a traceback is what the test looks for
            result["crash"] = exc
    thread = threading.Thread(target=run, daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "loading hung"
    assert "crash" not in result, repr(result.get("crash"))
    assert "error" in result, "the folder was loaded"
    assert time.perf_counter() - started < 2.0
    assert "\n" not in result["error"]
    return result["error"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_folder_is_refused_in_one_sentence_before_anything_heavy(vits, tiny_models, case, monkeypatch):
    make, phrase = CASES[case]
    (make or fastpitch_weights(tiny_models))(vits)
    import TTS.tts.models

    loads = []
    real_load = torch.load
    monkeypatch.setattr(torch, "load", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    monkeypatch.setattr(TTS.tts.models, "setup_model", lambda *a: pytest.fail("a model was built"))
    message = refuse(str(vits))
    assert phrase in message
    if case not in ("FastPitch weights", "foreign keys", "not a state dict"):
        assert not loads, "torch read the checkpoint before the refusal"


def test_the_tiny_folder_itself_still_loads(vits):
    assert coqui.load(str(vits)).capabilities().speakers


def test_a_link_inside_the_folder_is_accepted(vits):
    (vits / "weights").mkdir()
    (vits / "model.pth").rename(vits / "weights" / "model.pth")
    os.symlink("weights/model.pth", vits / "model.pth")
    assert coqui.load(str(vits))


def test_say_with_a_hostile_voice_folder_exits_2_with_one_line(vits, tmp_path, capsys):
    hidden(1e9)(vits)
    code = main(["say", "Hello there.", "--voice", str(vits), "-o", str(tmp_path / "out.wav")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "hidden_channels is 1e+09" in lines[0], err
    assert not (tmp_path / "out.wav").exists()


@pytest.mark.parametrize("bad", ["[" * 100_000, '"just a string"', "{not json", "FIFO"])
def test_voices_lists_a_folder_with_a_bad_card_as_unusable(tiny_models, tmp_path, capsys, bad):
    root = tmp_path / "models"
    shutil.copytree(tiny_models["vits_multispeaker"], root / "broken")
    shutil.copytree(tiny_models["fastpitch"], root / "good", ignore=shutil.ignore_patterns("vocoder"))
    (root / "broken" / "model_card.json").unlink()
    if bad == "FIFO":
        os.mkfifo(root / "broken" / "model_card.json")
    else:
        (root / "broken" / "model_card.json").write_text(bad)
    started = time.perf_counter()
    entries = {e["name"]: e for e in catalog([str(root)])}
    assert time.perf_counter() - started < 5.0
    broken, good = entries[str(root / "broken")], entries[str(root / "good")]
    assert broken["status"] == "unusable" and "model_card.json" in broken["reason"]
    assert "\n" not in broken["reason"]
    assert good["status"] == "ready"
    assert main(["voices", "--models", str(root)]) == 0
    out = capsys.readouterr()
    assert "unusable" in out.out and broken["reason"] in out.out and "Traceback" not in out.err


def test_voices_lists_a_folder_with_hostile_config_as_unusable(tiny_models, tmp_path):
    root = tmp_path / "models"
    for name, make in [("huge", hidden(1e9)), ("fifo", lambda f: ((f / "config.json").unlink(),
                                                                  os.mkfifo(f / "config.json"))),
                       ("deep", nested("config.json")), ("nomodel", lambda f: _config(f, lambda c: c.pop("model")))]:
        shutil.copytree(tiny_models["vits_multispeaker"], root / name)
        make(root / name)
    entries = {e["name"]: e for e in catalog([str(root)])}
    reasons = {name: entries[str(root / name)]["reason"] for name in ("huge", "fifo", "deep", "nomodel")}
    assert "hidden_channels is 1e+09" in reasons["huge"]
    assert "not a regular file" in reasons["fifo"]
    assert "nested" in reasons["deep"]
    assert "names no model architecture" in reasons["nomodel"]


def test_coqui_default_configs_pass_the_size_checks():
    """The bounds refuse hostile sizes, not real models: every config class Speech Studio loads passes."""
    from TTS.tts.configs.fast_pitch_config import FastPitchConfig
    from TTS.tts.configs.fastspeech2_config import Fastspeech2Config
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.vocoder.configs import HifiganConfig, MelganConfig, MultibandMelganConfig, UnivnetConfig

    from studio.engine.voices.coqui.folder_checks import check_sizes

    for config in (FastPitchConfig, Fastspeech2Config, VitsConfig, HifiganConfig, MelganConfig,
                   MultibandMelganConfig, UnivnetConfig):
        check_sizes(json.loads(json.dumps(config().to_dict())), config.__name__)


def test_a_plain_pickle_and_a_damaged_data_pkl_are_named_for_what_they_are(vits, tmp_path):
    import pickle

    (vits / "model.pth").write_bytes(pickle.dumps({"model": {}}, protocol=2))
    assert "a plain Python pickle" in refuse(str(vits))
    torch.save({"model": {"text_encoder.w": torch.zeros(2)}}, tmp_path / "good.pth")
    with zipfile.ZipFile(tmp_path / "good.pth") as src, zipfile.ZipFile(vits / "model.pth", "w") as dst:
        for info in src.infolist():
            dst.writestr(info, b"\x80\x02garbage" if info.filename.endswith("data.pkl") else src.read(info))
    message = refuse(str(vits))
    assert "damaged PyTorch checkpoint" in message and "Python objects" not in message


def test_a_legacy_checkpoint_still_passes_the_file_checks(tmp_path):
    from studio.engine.voices.coqui.folder_checks import check_checkpoint

    torch.save({"model": {}}, tmp_path / "old.pth", _use_new_zipfile_serialization=False)
    check_checkpoint(tmp_path / "old.pth", tmp_path)


def test_a_config_that_passes_the_bounds_but_cannot_be_built_is_one_sentence(vits):
    _config(vits, lambda c: c["model_args"].update(kernel_size_text_encoder=0, num_heads_text_encoder=7))
    assert "describes a model that cannot be built" in refuse(str(vits))
