"""--device cuda on a machine without a GPU: one sentence and exit 2, never a traceback or another voice."""

import pytest
import torch

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")


@pytest.mark.parametrize("argv", [["say", "Hello there.", "--device", "cuda", "-o", "{tmp}/x.wav"],
                                  ["new", "{tmp}/one.txt", "--device", "cuda", "-o", "{tmp}/one.studio.json"],
                                  ["render", "{tmp}/one.txt", "--device", "cuda", "-o", "{tmp}/out"]])
def test_a_missing_gpu_is_one_sentence_and_exit_2(argv, tmp_path, capsys):
    from studio.cli import main

    (tmp_path / "one.txt").write_text("Hello there.\n")
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "no CUDA GPU" in err and "--device cpu" in err
    assert "Traceback" not in err and not (tmp_path / "x.wav").exists() and not (tmp_path / "out").exists()
