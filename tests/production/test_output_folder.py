"""Issue 15.4 and 15.9: the render's output folder is locked, written beside it and swapped in whole; a full disk,
duplicate or very long track names and subtitle text holding '-->' give files or one sentence, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli import main
from studio.production.outdir import OutputFolderError, output_folder

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "ANNA: Hello there, my friend.\nBEN: The rain has stopped at last.\n"


def render(tmp_path, out, *extra):
    (tmp_path / "s.txt").write_text(SCRIPT)
    return main(["render", str(tmp_path / "s.txt"), "--voice", "embedded", "--loudness", "off", "-o", str(out),
                 *extra])


def test_a_second_render_into_a_locked_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with output_folder(out) as work:
        assert work.name.endswith(".partial") and work.parent == tmp_path
        with pytest.raises(OutputFolderError, match="Another render is writing"):
            with output_folder(out):
                pass
        (work / "mix.wav").write_bytes(b"x")
    assert (out / "mix.wav").exists() and not list(tmp_path.glob(".out.*"))


def test_stale_leftovers_of_a_killed_render_are_cleaned_and_old_output_replaced_whole(tmp_path, capsys):
    out = tmp_path / "out"
    (tmp_path / ".out.99999.partial" / "stems").mkdir(parents=True)  # a killed render's half output
    out.mkdir()
    (out / "clips").mkdir()
    (out / "clips" / "00-09-59.000_OLD.wav").write_bytes(b"stale")  # a previous render's line
    assert render(tmp_path, out) == 0
    assert not (out / "clips" / "00-09-59.000_OLD.wav").exists()  # replaced whole, not interleaved
    assert (out / "mix.wav").exists() and not list(tmp_path.glob(".out.*"))


def test_a_folder_of_other_files_is_never_replaced(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    assert render(tmp_path, out) == 2
    assert "holds other files" in capsys.readouterr().err
    assert (out / "thesis.docx").read_text() == "precious"


def test_a_full_disk_is_one_sentence_exit_2_and_leaves_the_previous_output(tmp_path):
    """RLIMIT_FSIZE in a child process stands in for a full disk: writes past 2 MB fail with EFBIG."""
    out = tmp_path / "out"
    assert render(tmp_path, out) == 0
    before = sorted(p.name for p in out.rglob("*"))
    code = (f"import resource, signal, sys; sys.path.insert(0, {str(ROOT)!r});"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000));"
            "from studio.cli import main;"
            f"sys.exit(main(['render', {str(tmp_path / 's.txt')!r}, '--voice', 'embedded', '--rate', '192000',"
            f" '-o', {str(out)!r}]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("studio:")]  # (libsndfile prints its own)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-1500:]
    assert len(lines) == 1 and "could not write" in lines[0] and "free some space" in lines[0]
    assert sorted(p.name for p in out.rglob("*")) == before  # the previous render is untouched
    assert not list(tmp_path.glob(".out.*.partial"))


def test_libsndfile_errors_become_an_oserror_with_the_file_name(tmp_path, monkeypatch):
    import soundfile as sf

    from studio.interchange.audio_files import write_wav

    def full(*args, **kwargs):
        raise sf.LibsndfileError(0, prefix="Error writing: ")
    monkeypatch.setattr(sf, "write", full)
    with pytest.raises(OSError) as err:
        write_wav(tmp_path / "a.wav", [0.0] * 10, 8000)
    assert err.value.filename.endswith("a.wav") and not list(tmp_path.iterdir())


def test_duplicate_and_very_long_track_names_keep_tracks_apart(tmp_path):
    from praatio import textgrid

    (tmp_path / "s.txt").write_text(SCRIPT)
    assert main(["new", str(tmp_path / "s.txt"), "--voice", "embedded", "-o", str(tmp_path / "p.json")]) == 0
    doc = json.loads((tmp_path / "p.json").read_text())
    doc["tracks"][0]["name"] = doc["tracks"][1]["name"] = "N" * 5000 + " -->\n"
    doc["segments"][0]["start"] = 0.0
    doc["segments"][1]["start"] = 0.1  # the two tracks overlap in time
    (tmp_path / "p.json").write_text(json.dumps(doc))
    assert main(["render", str(tmp_path / "p.json"), "-o", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    stems = sorted(p.name for p in (out / "stems").iterdir())
    assert len(stems) == 2 and all(len(n) <= 70 for n in stems)
    tg = textgrid.openTextgrid(str(out / "alignment.TextGrid"), includeEmptyIntervals=False)
    assert len(tg.tierNames) == 4  # words and phonemes for each of the two tracks
    srt = (out / "subtitles.srt").read_text()
    assert srt.count("-->") == 2  # only the two timing lines


def test_subtitle_text_with_arrows_and_blank_lines_is_written_and_read_back(tmp_path):
    from studio.interchange.subtitles import read_srt, read_vtt, write_srt, write_vtt

    entries = [(0.0, 1.0, "A", "one --> two"), (1.0, 2.0, "", "three\n\nfour"), (2.0, 3.0, "B<i>", "5 < 6 & 7")]
    write_srt(tmp_path / "a.srt", entries)
    write_vtt(tmp_path / "a.vtt", entries)
    for cues in (read_srt((tmp_path / "a.srt").read_text()), read_vtt((tmp_path / "a.vtt").read_text())):
        assert len(cues) == 3 and [round(c.start) for c in cues] == [0, 1, 2]


@pytest.mark.parametrize("kind", ["foreign", "file"])
def test_an_unusable_output_folder_is_refused_before_any_line_is_rendered(tmp_path, monkeypatch, capsys, kind):
    """Issue 24.13: the folder is checked first, not after every line has rendered."""
    import studio.production.batch as batch

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered before the output folder was checked")
    monkeypatch.setattr(batch, "render_project", must_not_render)
    out = tmp_path / "out"
    if kind == "foreign":
        out.mkdir()
        (out / "notes.docx").write_bytes(b"mine")
    else:
        out.write_text("a file")
    assert render(tmp_path, out) == 2
    err = capsys.readouterr().err
    assert ("holds other files" in err) if kind == "foreign" else ("is a file" in err)
    assert "Traceback" not in err
