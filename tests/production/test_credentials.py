"""Content credentials: every WAV that `studio say`, `studio render` and the editor's export write carries a
signed C2PA manifest; `studio verify` reads it back (0 valid, 1 altered, 2 none); a guide recording leaves no trace
of itself in the manifest; opting out and a broken key are one line each."""

import hashlib
import json
import os
import shutil
import stat
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.cli import main
from studio.production.credentials import identity
from studio.production.credentials.manifest import COMPOSITE, SYNTHETIC

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = ROOT / "assets" / "speech" / "arctic_a0007.wav"
GUIDE_TEXT = "And you always want to see it in the superlative degree."


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """Each test its own config folder: its own local identity and preferences."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def chunks(path: Path) -> dict[bytes, tuple[int, int]]:
    """RIFF chunk id -> (offset of its payload, length)."""
    data = path.read_bytes()
    out, i = {}, 12
    while i + 8 <= len(data):
        cid, n = data[i:i + 4], struct.unpack("<I", data[i + 4:i + 8])[0]
        out[cid] = (i + 8, n)
        i += 8 + n + (n & 1)
    return out


def manifest_bytes(path: Path) -> bytes:
    at, n = chunks(path)[b"C2PA"]
    return path.read_bytes()[at:at + n]


def render(tmp_path: Path, *extra: str) -> Path:
    script = tmp_path / "scene.txt"
    script.write_text("ALICE: Hello there, how are you today?\nBOB: Fine, thank you.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["render", str(script), "--voice", "embedded", "--cast", "ALICE=en-us+f2,BOB=en-us+m3",
                 "--loudness", "off", "-o", str(out), *extra]) == 0
    return out


def test_render_then_verify_names_the_voices_and_flags_a_flipped_byte(tmp_path, capsys):
    out = render(tmp_path)
    err = capsys.readouterr().err
    assert "local, untrusted identity" in err
    stems = sorted((out / "stems").glob("*.wav"))
    clips = sorted((out / "clips").glob("*.wav"))
    assert len(stems) == 2 and len(clips) == 2
    assert main(["verify", str(out / "mix.wav"), *map(str, stems), *map(str, clips)]) == 0
    said = capsys.readouterr().out
    assert said.count(": valid") == 5
    assert "en-us+f2" in said and "en-us+m3" in said and "GPL-3.0" in said
    assert "synthetic (made by a trained model)" in said and "not trusted" in said
    # A stem declares its own track's voice only.
    assert main(["verify", str(out / "stems" / "BOB.wav")]) == 0
    bob = capsys.readouterr().out
    assert "en-us+m3" in bob and "en-us+f2" not in bob
    # The timing file names the audio it belongs to.
    assert json.loads((out / "alignment.json").read_text())["audio"] == "mix.wav"

    mix = out / "mix.wav"
    at, n = chunks(mix)[b"data"]
    data = bytearray(mix.read_bytes())
    data[at + n // 2] ^= 0x01
    mix.write_bytes(bytes(data))
    assert main(["verify", str(mix), str(stems[0])]) == 1
    said = capsys.readouterr().out
    assert f"{mix}: altered since signing" in said and "dataHash.mismatch" in said


def test_a_guided_line_declares_a_composite_and_holds_nothing_of_the_recording(tmp_path, capsys):
    out = tmp_path / "anon.wav"
    assert main(["say", GUIDE_TEXT, "--voice", "embedded", "--guide", str(ARCTIC), "-o", str(out)]) == 0
    assert main(["verify", str(out)]) == 0
    said = capsys.readouterr().out
    assert "composite" in said and "guided the timing and intonation" in said

    import c2pa

    reader = c2pa.Reader(str(out))
    store = json.loads(reader.json())
    reader.close()
    active = store["manifests"][store["active_manifest"]]
    created = [a for s in active["assertions"] if s["label"].startswith("c2pa.actions")
               for a in s["data"]["actions"]]
    assert created[0]["digitalSourceType"] == COMPOSITE
    assert not active.get("ingredients") and not active.get("thumbnail")

    assert traces_of(ARCTIC, manifest_bytes(out)) == []


def traces_of(recording: Path, raw: bytes) -> list[str]:
    """What of the recording a manifest's bytes hold: its name, path, a hash of the file or its samples (hex or
    raw), or a 16-byte run of its samples."""
    rec = recording.read_bytes()
    rec_at, rec_n = chunks(recording)[b"data"]
    samples = rec[rec_at:rec_at + rec_n]
    found = []
    needles = [recording.name, recording.stem, str(recording), str(recording.parent)]
    for algo in ("sha256", "sha1", "md5", "sha512"):
        for blob in (rec, samples):
            digest = hashlib.new(algo, blob)
            needles += [digest.hexdigest(), digest.hexdigest().upper()]
            if digest.digest() in raw:
                found.append(f"{algo} digest")
    found += [n for n in needles if n.encode() in raw or n.encode("utf-16-le") in raw]
    windows = {samples[i:i + 16] for i in range(0, len(samples) - 16, 4)}
    if any(raw[i:i + 16] in windows for i in range(len(raw) - 16)):
        found.append("audio")
    return found


def test_the_scan_finds_a_recording_the_project_chose_to_name(tmp_path):
    """The opt-in names the recording; the same scan then finds it, so an empty scan above means something."""
    from studio.production.credentials.manifest import Declaration
    from studio.production.credentials.sign import choose

    out = tmp_path / "named.wav"
    sf.write(out, np.zeros(2205, dtype=np.float32), 22050)
    choose().sign(out, Declaration("t", (), guided=True, disclose_recording=ARCTIC.name), "speech")
    assert ARCTIC.name in traces_of(ARCTIC, manifest_bytes(out))
    # and a file carrying a run of the recording's samples is caught as audio
    at, n = chunks(ARCTIC)[b"data"]
    assert "audio" in traces_of(ARCTIC, b"xx" + ARCTIC.read_bytes()[at + 1000:at + 1040])


def test_a_plain_say_declares_synthetic_and_its_alignment_names_the_audio(tmp_path, capsys):
    out = tmp_path / "a" / "plain.wav"
    out.parent.mkdir()
    assert main(["say", "Hello world.", "--voice", "embedded", "-o", str(out), "--alignment",
                 str(tmp_path / "plain.json")]) == 0
    assert json.loads((tmp_path / "plain.json").read_text())["audio"] == "a/plain.wav"
    from studio.production.credentials.verify import verify

    verdict = verify(out)
    assert verdict.status == "valid" and verdict.source_type == SYNTHETIC and "guidance" not in verdict.declared


def test_opting_out_by_flag_and_by_preference(tmp_path, capsys):
    out = tmp_path / "off.wav"
    assert main(["say", "Hello world.", "--voice", "embedded", "-o", str(out), "--no-credentials"]) == 0
    err = capsys.readouterr().err
    assert [ln for ln in err.splitlines() if "credentials" in ln] == [
        "studio: note: content credentials are off (--no-credentials): the audio files carry no C2PA manifest."]
    assert b"C2PA" not in chunks(out)
    assert main(["verify", str(out)]) == 2
    assert "no credentials" in capsys.readouterr().out
    assert not (identity.identity_dir()).exists()  # no identity is made for an unsigned command

    identity.save_preferences(False)
    folder = render(tmp_path)
    assert "turned off in the preferences" in capsys.readouterr().err
    assert main(["verify", str(folder / "mix.wav")]) == 2


def test_signed_and_unsigned_files_hold_the_same_samples(tmp_path):
    signed, plain = tmp_path / "signed.wav", tmp_path / "plain.wav"
    for path, extra in ((signed, []), (plain, ["--no-credentials"])):
        assert main(["say", "The same samples.", "--voice", "embedded", "-o", str(path), *extra]) == 0
    a, ra = sf.read(signed, dtype="int16")
    b, rb = sf.read(plain, dtype="int16")
    assert ra == rb and np.array_equal(a, b) and len(a) > 1000
    assert sf.info(signed).frames == sf.info(plain).frames
    # Readers that know nothing of C2PA skip its chunk: Python's wave module and scipy (with a warning)
    # read the same frames.
    import wave

    from scipy.io import wavfile

    with wave.open(str(signed)) as ws, wave.open(str(plain)) as wp:
        assert ws.readframes(ws.getnframes()) == wp.readframes(wp.getnframes())
    with pytest.warns(wavfile.WavFileWarning, match="not understood, skipping"):  # the C2PA chunk, skipped
        signed_samples = wavfile.read(signed)[1]
    assert np.array_equal(signed_samples, wavfile.read(plain)[1])
    for tool, args in (("ffprobe", ["-v", "error", "-show_entries", "stream=sample_rate", "-of", "csv=p=0"]),
                       ("soxi", ["-r"])):
        if shutil.which(tool):
            result = subprocess.run([tool, *args, str(signed)], capture_output=True, text=True, timeout=30)
            assert result.returncode == 0 and str(ra) in result.stdout, (tool, result.stderr)


def test_a_broken_key_is_one_sentence_and_nothing_is_written(tmp_path, capsys):
    good = tmp_path / "real-ca"
    identity.make_local(good)
    bad_key = tmp_path / "bad.key"
    bad_key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    out = tmp_path / "x.wav"
    assert main(["say", "Hello.", "--voice", "embedded", "-o", str(out), "--sign-cert", str(good / "chain.pem"),
                 "--sign-key", str(bad_key)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not an unencrypted PEM private key" in err[0] and "Traceback" not in err[0]
    assert not out.exists()
    assert main(["render", str(ROOT / "README.md"), "-o", str(tmp_path / "r"), "--sign-cert",
                 str(good / "chain.pem"), "--sign-key", str(tmp_path / "missing.key")]) == 2
    assert "cannot be read" in capsys.readouterr().err and not (tmp_path / "r").exists()
    # The local identity's key damaged on disk: one sentence too, saying how to get a new one.
    identity.local_identity()
    (identity.identity_dir() / "signing.key").write_text("garbage")
    assert main(["say", "Hello.", "--voice", "embedded", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "delete it to make a new local identity" in err[0] and not out.exists()


def test_a_key_that_does_not_match_its_certificate_is_refused(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    identity.make_local(a)
    identity.make_local(b)
    with pytest.raises(identity.CredentialsError, match="does not belong"):
        identity.load(a / "chain.pem", b / "signing.key")


def test_a_certificate_given_on_the_command_line_signs_as_that_identity(tmp_path, capsys):
    ca = tmp_path / "ca"
    identity.make_local(ca)
    out = tmp_path / "c.wav"
    assert main(["say", "Hello.", "--voice", "embedded", "-o", str(out), "--sign-cert", str(ca / "chain.pem"),
                 "--sign-key", str(ca / "signing.key")]) == 0
    assert "local, untrusted" not in capsys.readouterr().err
    assert not identity.identity_dir().exists()  # the local identity was not needed
    assert main(["verify", str(out)]) == 0


def test_the_local_identity_is_made_once_with_a_private_key_and_the_c2pa_extensions():
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    first = identity.local_identity()
    key = identity.identity_dir() / "signing.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(identity.identity_dir()).st_mode) == 0o700
    assert identity.local_identity().chain_pem == first.chain_pem and first.local
    leaf, ca = x509.load_pem_x509_certificates(first.chain_pem)
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert (leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
            == ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_verify_reports_missing_and_unreadable_files(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert main(["verify", str(tmp_path / "none.wav"), str(text)]) == 2
    said = capsys.readouterr().out
    assert "there is no such file" in said and "unreadable" in said and "Traceback" not in said


def test_the_editor_export_signs_mix_stems_and_line_files(tmp_path):
    from studio.engine.render.pipeline import render_segment
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production.credentials.manifest import declaration
    from studio.production.credentials.sign import choose
    from studio.production.credentials.verify import verify
    from studio.production.export_job import ExportSettings, run_export
    from studio.production.speak import build

    registry = VoiceRegistry()
    project = build("One line here. And a second one.", "embedded", registry, [])
    project.title = "Export test"
    project.reference_audio = "interview-with-the-source.wav"  # a reference recording: declared, never named
    settings = ExportSettings(folder=str(tmp_path / "export"), lines=True, subtitles=False, alignment=True)
    written = run_export(project, settings, lambda sid: render_segment(project, project.segment(sid), registry),
                         signing=choose(), declaration=lambda: declaration(project, registry))
    wavs = [p for p in written if p.suffix == ".wav"]
    assert len(wavs) == 1 + 1 + 2
    for path in wavs:
        verdict = verify(path)
        assert verdict.status == "valid", path
        assert verdict.declared["project_title"] == "Export test" and verdict.declared["voices"]
        assert verdict.source_type == COMPOSITE and "guidance" in verdict.declared
        assert b"interview-with-the-source" not in manifest_bytes(path)
    assert json.loads((tmp_path / "export" / "alignment.json").read_text())["audio"] == "mix.wav"


def test_a_damaged_manifest_is_broken_exit_1(tmp_path, capsys):
    out = tmp_path / "s.wav"
    assert main(["say", "Hello there.", "--voice", "embedded", "-o", str(out)]) == 0
    at, n = chunks(out)[b"C2PA"]
    for offset in (100, n // 2):
        damaged = bytearray(out.read_bytes())
        damaged[at + offset] ^= 0xFF
        bad = tmp_path / f"bad{offset}.wav"
        bad.write_bytes(bytes(damaged))
        capsys.readouterr()
        assert main(["verify", str(bad)]) == 1
        said = capsys.readouterr().out
        assert "altered since signing" in said and "Traceback" not in said


def test_the_guide_is_named_only_when_asked(tmp_path, capsys):
    out = tmp_path / "named.wav"
    assert main(["say", GUIDE_TEXT, "--voice", "embedded", "--guide", str(ARCTIC), "--disclose-guide",
                 "-o", str(out)]) == 0
    assert main(["verify", str(out)]) == 0
    assert f"guide recording (named by the project's choice): {ARCTIC.name}" in capsys.readouterr().out
    assert ARCTIC.name in traces_of(ARCTIC, manifest_bytes(out)) and str(ARCTIC.parent) not in traces_of(
        ARCTIC, manifest_bytes(out))


def test_two_first_uses_at_once_end_with_one_matching_identity(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path / "signing"
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: identity.make_local(folder), range(4)))
    who = identity.load(folder / "chain.pem", folder / "signing.key")  # raises if key and certificate differ
    assert who.name.startswith("Speech Studio (")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no half-made folder is left
