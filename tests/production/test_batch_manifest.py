"""Issue 26: the catalogue's manifest (CSV, JSON lines or a folder) and its one-sentence errors."""

import pytest

from studio.production.cluster.manifest import ManifestError, read_manifest
from studio.production.cluster.plan import settings_for


def test_csv_and_json_lines_give_the_same_items_with_paths_from_the_manifest_folder(tmp_path):
    (tmp_path / "a.csv").write_text("input,output,voice,rate,lang\nbook1.txt,,Joe,48k,de\nsub/ep2.srt,ep2,,,\n")
    (tmp_path / "b.jsonl").write_text('{"input": "book1.txt", "voice": "Joe", "rate": "48k", "lang": "de"}\n'
                                      '\n{"input": "sub/ep2.srt", "output": "ep2"}\n')
    a, b = read_manifest(tmp_path / "a.csv"), read_manifest(tmp_path / "b.jsonl")
    assert a == b
    assert [(i.input, i.name) for i in a] == [(tmp_path / "book1.txt", "book1"), (tmp_path / "sub/ep2.srt", "ep2")]
    s = settings_for(a[0], {"loudness": "podcast", "voice": "embedded"})
    assert (s.voice, s.rate, s.language, s.loudness, s.fit) == ("Joe", 48000, "de", -16.0, "compress")
    assert settings_for(a[1], {"voice": "embedded"}).voice == "embedded"  # an empty cell takes the default


def test_a_folder_lists_the_inputs_it_holds(tmp_path):
    for name in ("b.srt", "a.txt", "notes.wav", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    assert [i.name for i in read_manifest(tmp_path)] == ["a", "b"]


@pytest.mark.parametrize("text, says", [
    ("input,colour\na.txt,red\n", "unknown column 'colour'"),
    ("input,output\na.txt,x\nb.txt,X\n", "would both write"),
    ("input,output\na.txt,../x\n", "plain folder name"),
    ("input,fit\na.txt,squeeze\n", "fit 'squeeze'"),
    ("output\nx\n", "names no input"),
    ('{"input": "a.txt"}\nnot json\n', "Line 2 of m is not JSON"),
    ("input\n", "names no inputs"),
    ("input,voice\na.txt,Joe,extra\n", "more cells than the header"),
])
def test_a_bad_manifest_is_one_sentence(tmp_path, text, says):
    (tmp_path / "m").write_text(text)
    with pytest.raises(ManifestError, match=says):
        read_manifest(tmp_path / "m")


def test_a_missing_manifest_is_exit_2_before_ray_starts(tmp_path, capsys):
    from studio.cli import main

    assert main(["batch", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
