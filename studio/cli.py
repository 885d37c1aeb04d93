"""The `studio` command: the editor by default, plus headless subcommands.

Heavy modules (Qt, torch, Coqui) are imported inside the subcommand that needs them, so `studio new` never
loads Qt and the editor window opens before torch is loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from studio.core.errors import UserError
from studio.core.paths import DEMO_PROJECT

SUBCOMMANDS = ("new", "say", "voices", "anonymity", "render", "verify", "batch")


def _fail(message: str, code: int = 2) -> int:
    print(f"studio: {message}", file=sys.stderr)
    return code


def cmd_new(args: argparse.Namespace) -> int:
    from studio.core.project_io import save
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production.casting import parse_cast, parse_voice_map
    from studio.production.inputs import Options, load

    from studio.core.project_io import is_project_file
    from studio.core.project_io import load as load_project

    registry = VoiceRegistry(device=args.device, progress=lambda msg: print(msg, file=sys.stderr))
    registry.batch_analysis = {"auto": None, "on": True, "off": False}[args.batch]
    notes: list[str] = []
    try:
        if is_project_file(args.input):
            # Already a project (whatever its name): check it and write a copy, never read its JSON aloud.
            project = load_project(args.input)
            save(project, args.output)
            print(f"studio: note: {args.input} is a Speech Studio project already; wrote a checked copy.",
                  file=sys.stderr)
            print(f"wrote {args.output}: {len(project.tracks)} tracks, {len(project.segments)} segments")
            return 0
        options = Options(voice=args.voice, voice_map=parse_voice_map(args.voice_map), language=args.lang,
                          speakers=_speakers(args.speakers), lyrics=args.lyrics, cast=parse_cast(args.cast))
        script = load(Path(args.input), options, registry, notes)
        project = script.project
        project.title = project.title or Path(args.input).stem
        save(project, args.output)
    except (UserError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"could not write {args.output}: {exc.strerror or exc}.")
    for note in notes:
        print(f"studio: note: {note}", file=sys.stderr)
    n_ph = sum(len(s.phonemes()) for s in project.segments)
    print(f"wrote {args.output} ({script.kind}): {len(project.tracks)} tracks, {len(project.segments)} segments, "
          f"{n_ph} phonemes")
    return 0


def _sample_rate(value: str) -> int:
    from studio.production.batch import parse_rate

    return parse_rate(value)


def _speakers(value: str | None) -> list[str] | None:
    return [s.strip() for s in value.split(",") if s.strip()] if value else None


def cmd_say(args: argparse.Namespace) -> int:
    from studio.production.speak import speak
    from studio.engine.voices.registry import VoiceRegistry
    from studio.interchange.alignment import write_alignment
    from studio.interchange.audio_files import write_wav

    registry = VoiceRegistry(device=args.device, trusted={args.voice} if args.trust and args.voice else set(),
                             progress=lambda msg: print(msg, file=sys.stderr))
    from studio.interchange.text_script import read_text_file
    from studio.production.casting import parse_voice_map

    from studio.interchange.ssml import parse_voice_name

    from studio.production.credentials.manifest import declaration
    from studio.production.credentials.sign import choose

    try:
        # The signing identity first: a broken key is one sentence before anything is rendered or written.
        signing = choose(args.no_credentials, args.sign_cert, args.sign_key)
        text = read_text_file(args.text) if args.text.lower().endswith((".ssml", ".xml")) else args.text
        mix = parse_voice_name("mix:" + args.mix) if args.mix else None
        spoken = speak(text, args.voice, registry, parse_voice_map(args.voice_map), args.lang or "en", mix=mix,
                       guide=args.guide)
    except (UserError, ValueError) as exc:
        return _fail(str(exc))
    for note in spoken.notes:
        print(f"studio: note: {note}", file=sys.stderr)
    import os

    try:
        write_wav(args.output, spoken.audio, spoken.sample_rate)
        named = Path(args.guide).name if args.guide and args.disclose_guide else None
        signing.sign(Path(args.output), declaration(spoken.project, registry, guided=bool(args.guide),
                                                    disclose_recording=named), "speech")
        if args.alignment:
            audio = os.path.relpath(Path(args.output).resolve(), Path(args.alignment).resolve().parent)
            write_alignment(args.alignment, spoken.placed, spoken.sample_rate, audio=audio)
    except UserError as exc:  # signing failed: no unsigned file is left behind as if it were signed
        Path(args.output).unlink(missing_ok=True)
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"could not write the output: {exc.strerror or exc}.")
    print(f"wrote {args.output}: {len(spoken.audio) / spoken.sample_rate:.2f} s at {spoken.sample_rate} Hz")
    print(f"studio: note: {signing.note()}", file=sys.stderr)
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    if getattr(args, "voices_command", None) == "import":
        return cmd_voices_import(args)
    from studio.engine.voices.catalog import catalog

    entries = catalog(args.models)
    if args.json:
        print(json.dumps(entries, indent=1, ensure_ascii=False))
        return 0
    for e in entries:
        caps = ", ".join(k for k in ("pitch", "energy", "duration", "mix") if e.get(k))
        if e.get("commercial_note"):
            use = f" (commercial use: {e['commercial_note']})"
        else:
            use = "" if e["commercial_use"] else " (non-commercial)"
        print(f"{e['name']:<52} {e['kind']:<9} {e['status']:<14} {caps or '-':<30} {e['license']}{use}")
        for line in e.get("licence_lines", []) + ([e["reason"]] if e.get("reason") else []):
            print(f"{'':<52}   {line}")
    from studio.engine.voices.cast import notes

    for note in notes():
        print(f"studio: note: {note}", file=sys.stderr)
    return 0


def cmd_voices_import(args: argparse.Namespace) -> int:
    from studio.engine.voices.coqui import store
    from studio.engine.errors import ModelError

    try:
        folder = store.import_voice(args.path, args.name, progress=lambda msg: print(msg, file=sys.stderr))
    except ModelError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"could not write the model store ({exc.strerror or exc}); check {store.root()}.")
    print(f"imported {folder.name} into {folder}; use it with --voice {folder.name}")
    return 0


def cmd_anonymity(args: argparse.Namespace) -> int:
    from studio.engine.privacy import anonymity, verifier
    from studio.engine.guide.alignment import read_recording
    from studio.engine.voices.registry import VoiceRegistry, parse_voice
    from studio.interchange.ssml import parse_voice_name

    if not args.mix and not args.audio:
        return _fail("give a mix to measure (--mix A=0.5,B=0.5) or a rendered file (--audio OUT.wav).")
    if args.audio and not args.reference:
        return _fail("--audio is measured against a recording; give it with --reference RECORDING.wav.")
    if args.meter == "mfcc" and args.reference:
        return _fail("--reference is measured by the speaker verifier; leave out --meter mfcc.")
    try:
        cal = verifier.calibration() if args.meter == "ge2e" else None
        if args.meter == "ge2e":
            verifier.weights_path()
        reference = read_recording(args.reference) if args.reference else None
        audio = read_recording(args.audio) if args.audio else None
        mix = parse_voice_name("mix:" + args.mix) if args.mix else None
        if mix is not None:
            ref, _ = parse_voice(args.voice)
            backbone = VoiceRegistry(device=args.device).backbone(ref)
    except UserError as exc:
        return _fail(str(exc))
    ge2e = args.meter == "ge2e"
    threshold = args.threshold if args.threshold is not None else (cal.threshold if ge2e else 0.5)
    if ge2e:
        print(f"speaker verifier: GE2E (resemblyzer's trained encoder); same speaker at cosine similarity >= "
              f"{threshold:.3f}" + (" (calibrated: " + cal.method + f"; EER {cal.eer:.1%})"
                                    if args.threshold is None else " (set by --threshold)"))
    code = 0
    if mix is not None:
        known = {s.id for s in backbone.capabilities().speakers}
        unknown = [name for name, _ in mix.weights if name not in known]
        if unknown:
            return _fail(f"unknown speaker(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}.")
        render = anonymity.mix_renderer(backbone, args.text or anonymity.SAMPLE_TEXT)
        model = getattr(backbone, "model", None)

        def report(closeness, title):
            print(title)
            for c in closeness:
                emb = "" if c.embedding is None else f"   embedding cosine {c.embedding:+.2f}"
                ver = "" if c.verifier is None else f"   GE2E similarity {c.verifier:.3f}"
                mfcc = "" if c.acoustic != c.acoustic else f"   MFCC closeness {c.acoustic:.2f}"
                score = c.verifier if ge2e else c.acoustic
                flag = "  SAME SPEAKER" if score is not None and score >= threshold else ""
                print(f"  {c.speaker:<22}{ver}{mfcc}{emb}{flag}")

        report(anonymity.measure(render, mix.weights, model, verifier=ge2e),
               f"the mix {args.mix} against each source:")
        if args.propose:
            found = anonymity.propose(render, mix.weights, threshold, model=model, meter=args.meter)
            if found is None:
                print(f"no mix of these voices measured below {threshold:.3f} for every source; add a more "
                      "different voice or raise the threshold.")
                return 1
            weights, closeness = found
            report(closeness, "proposed weights " + ",".join(f"{n}={w:.2f}" for n, w in sorted(weights.items()))
                   + ", measured on a render:")
        if audio is None and reference is not None:
            audio = render(mix.weights)
    if reference is not None:
        sim = verifier.similarity(verifier.embed(*audio), verifier.embed(*reference))
        what = args.audio or f"the mix {args.mix}"
        if sim >= threshold:
            print(f"{what} vs {args.reference}: GE2E similarity {sim:.3f}, at or above {threshold:.3f}: the "
                  "verifier takes them for the same speaker.")
            code = 1
        else:
            print(f"{what} vs {args.reference}: GE2E similarity {sim:.3f}, below {threshold:.3f}: the verifier "
                  "does not link them.")
    return code


# Exit codes of `studio render`, also in the README: 2 for anything the user must fix before a render can be
# written (input, options, output folder, disk), 3 when some lines failed to render (the rest was written), 4
# when --fit both could not fit a line.
EXIT_OK, EXIT_INPUT, EXIT_RENDER_FAILED, EXIT_DID_NOT_FIT = 0, 2, 3, 4


def cmd_render(args: argparse.Namespace) -> int:
    from studio.engine.output.loudness import parse_target
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production import report
    from studio.production.batch import render_project, write_outputs
    from studio.production import outdir
    from studio.production.outdir import output_folder
    from studio.production.casting import parse_cast, parse_voice_map
    from studio.production.inputs import Options, load

    from studio.production.credentials.manifest import declaration
    from studio.production.credentials.sign import choose

    registry = VoiceRegistry(device=args.device, progress=lambda m: print(m, file=sys.stderr))
    notes: list[str] = []
    try:
        signing = choose(args.no_credentials, args.sign_cert, args.sign_key)
        target = parse_target(args.loudness)
        if args.fps <= 0:
            raise ValueError(f"--fps must be positive, not {args.fps:g}.")
        rate = None if args.rate is None else _sample_rate(args.rate)
        options = Options(voice=args.voice, voice_map=parse_voice_map(args.voice_map), language=args.lang,
                          speakers=_speakers(args.speakers), lyrics=args.lyrics, cast=parse_cast(args.cast))
        outdir.check(Path(args.output))  # before any line is rendered, not after every one has been
        script = load(Path(args.input), options, registry, notes)
    except (UserError, ValueError) as exc:
        return _fail(str(exc), EXIT_INPUT)
    project = script.project
    if not project.segments:
        return _fail(f"{args.input} has nothing to render.", EXIT_INPUT)

    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        # A bar that redraws in a terminal; in a log, a line at every tenth.
        if tty:
            bar = "#" * int(30 * done / total)
            print(f"\rrendering [{bar:<30}] {done}/{total}", end="" if done < total else "\n", file=sys.stderr,
                  flush=True)
        elif done == total or done * 10 // total != (done - 1) * 10 // total:
            print(f"rendering {done}/{total}", file=sys.stderr, flush=True)
    fit = args.fit or "compress"
    # Padded batches pay off on a GPU (launch-bound one at a time); on a CPU they measured slower (see
    # docs/performance.md), so `--batch auto` batches only where the models run on CUDA.
    batched = args.batch == "on" or (args.batch == "auto" and registry.resolved_device == "cuda")
    if args.takes is not None and not 1 <= args.takes <= 16:
        return _fail(f"--takes must be between 1 and 16, not {args.takes}.", EXIT_INPUT)
    results, done = render_project(project, registry, fit=fit, progress=progress, batched=batched)
    proofs, choices = {}, []
    if args.proof or args.takes:
        from studio.engine.guide.proof import ProofCache, default_proof_dir
        from studio.production import proofing

        cache = ProofCache(default_proof_dir())
        if args.takes and args.takes > 1:
            print(f"rendering {args.takes} takes per line", file=sys.stderr, flush=True)
            choices = proofing.keep_best_takes(project, registry, results, args.takes, cache, proofs)
        if args.proof:
            proofing.proof_lines(project, registry, results, cache, proofs)
    out_dir = Path(args.output)
    frame = 1 / args.fps
    try:
        with output_folder(out_dir) as work:
            write_outputs(work, results, done, rate, script=script, shift=args.shift, frame=frame,
                          loudness_target=target, final_dir=out_dir, signing=signing,
                          declaration=declaration(project, registry) if signing.on else None)
            if args.proof:
                starts = {p.segment.id: p.offset / done.rate for p in done.placed}
                proofing.write_proof_report(work / "proof-report.csv", project, proofs, starts)
    except (UserError, ValueError) as exc:
        return _fail(str(exc), EXIT_INPUT)
    except OSError as exc:  # a full disk, a read-only folder: the previous output is left as it was
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return _fail(f"could not write the output{where}: {exc.strerror or exc}; free some space or choose "
                     "another folder.", EXIT_INPUT)
    for note in notes + done.notes:
        print(f"studio: note: {note}", file=sys.stderr)
    code = EXIT_OK
    for seg_id, reason in done.failed.items():
        print(f"studio: segment \"{project.segment(seg_id).text[:50]}\" failed: {reason}", file=sys.stderr)
        code = EXIT_RENDER_FAILED
    for f in (f for f in done.fits if abs(f.miss) > 0.02 and (fit == "both" or f.miss > 0)):
        print(f"studio: \"{project.segment(f.segment_id).text[:50]}\" {f.message()}", file=sys.stderr)
    for choice in choices:
        print(f"studio: take: \"{project.segment(choice.segment_id).text[:50]}\" {choice.why}", file=sys.stderr)
    if args.proof:
        flagged = proofing.flagged_lines(project, proofs)
        for number, text, words in flagged:
            print(f"studio: proof: line {number} \"{text[:50]}\" flagged: {', '.join(words)}", file=sys.stderr)
        print(f"studio: proof: {len(flagged)} of {len(proofs)} lines flagged (proof-report.csv)", file=sys.stderr)
    for line in report.summary(done.timings, frame):
        print(f"studio: {line}", file=sys.stderr)
    # With --fit asked for, a line that cannot land on its slot is a failure; by default it is reported.
    if code == EXIT_OK and args.fit == "both" and any(f.miss > 0.02 for f in done.fits):
        code = EXIT_DID_NOT_FIT
    for name, m in done.loudness.items():
        if name == "mix.wav":
            print(f"loudness: mix {m.describe()}" + (f" (target {target:g} LUFS)" if target is not None else ""))
    print(f"wrote {out_dir}: {len(results)} segments, {len(project.tracks)} stems at {done.rate} Hz")
    print(f"studio: note: {signing.note()}", file=sys.stderr)
    return code


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when every file is valid, 1 when any was altered or its manifest is broken, 2 when any has none or
    cannot be read (the worse wins: altered over missing)."""
    from studio.production.credentials.verify import verify

    codes = []
    for path in args.files:
        verdict = verify(path)
        print("\n".join(verdict.lines()))
        codes.append(verdict.exit_code)
    return 1 if 1 in codes else max(codes, default=0)

def cmd_batch(args: argparse.Namespace) -> int:
    import contextlib
    import json

    from studio.production.cluster.job import Config, connect, run
    from studio.production.cluster.manifest import read_manifest
    from studio.production.credentials.sign import choose

    out_dir = Path(args.output)
    try:
        items = read_manifest(Path(args.manifest))
        # The signing identity before Ray starts: a broken key is one sentence and nothing is rendered. The
        # identity travels to the assembly tasks, so on a shared cluster the key is in Ray's object store.
        signing = choose(args.no_credentials, args.sign_cert, args.sign_key)
        if out_dir.exists() and not out_dir.is_dir():
            raise UserError(f"{out_dir} is a file; give a folder for the catalogue's output.")
        for flag, value in (("--cpus", args.cpus), ("--actors", args.actors),
                            ("--cpus-per-actor", args.cpus_per_actor)):
            if value is not None and value < 1:
                raise UserError(f"{flag} must be at least 1, not {value}.")
        started = connect(args.ray, args.cpus)
    except UserError as exc:
        return _fail(str(exc), EXIT_INPUT)
    defaults = {"voice": args.voice, "cast": ",".join(args.cast or []) or None, "rate": args.rate,
                "loudness": args.loudness, "fit": args.fit, "language": args.lang}
    config = Config(out_dir, args.store or str(out_dir / ".store"), defaults, device=args.device,
                    actors=args.actors, cpus_per_actor=args.cpus_per_actor, signing=signing)
    try:
        # Ray prints its own messages about workers (a retried task) on stdout, from a thread: they go to
        # stderr, so that stdout holds only the --json summary.
        with contextlib.redirect_stdout(sys.stderr):
            summary = run(items, config)
    except UserError as exc:
        return _fail(str(exc), EXIT_INPUT)
    finally:
        if started:
            import ray

            ray.shutdown()
    code = EXIT_OK
    for row in summary["inputs"]:
        for note in row.get("notes", []):
            print(f"studio: {row['name']}: {note}", file=sys.stderr)
        for failure in row["failures"]:
            print(f"studio: {row['name']}: line \"{failure['line'][:50]}\" failed: {failure['reason']}",
                  file=sys.stderr)
            code = EXIT_RENDER_FAILED
        if row.get("error"):
            print(f"studio: {row['name']}: skipped: {row['error']}", file=sys.stderr)
            code = EXIT_RENDER_FAILED
    if code == EXIT_OK and any(row.get("did_not_fit") for row in summary["inputs"]):
        code = EXIT_DID_NOT_FIT
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        written = sum(1 for row in summary["inputs"] if not row.get("error"))
        print(f"wrote {written} of {len(items)} inputs into {out_dir}: {summary['rendered']} lines rendered, "
              f"{summary['cached']} from the store, {summary['failed']} failed")
    print(f"studio: note: {signing.note()}", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Speech Studio: an expressive speech editor.")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("new", help="build a project from a script, subtitles or SSML, headless")
    p.add_argument("input", help="a script (lines like 'NAME: text' make one track per speaker), subtitles (.srt, "
                                 ".vtt) or SSML (.ssml, .xml); the content decides, not the name")
    p.add_argument("--voice", help="the default voice (default: the neural narrator, en_US-joe-medium)")
    p.add_argument("-o", "--output", required=True, help="the project file to write (.json)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="where Coqui models analyse the text")
    p.add_argument("--batch", default="auto", choices=["auto", "on", "off"],
                   help="analyse the neural voice's lines in padded batches (the same analysis as one at a time): "
                        "auto batches on a GPU only")
    _casting_options(p)
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("say", help="render text to a WAV file, with an optional alignment JSON")
    p.add_argument("text", help="the text to speak, SSML starting with <speak, or a .ssml file")
    p.add_argument("-o", "--output", required=True, help="the WAV file to write")
    p.add_argument("--voice", help="a stored voice (default: the neural narrator en_US-joe-medium), 'embedded', an "
                                   "embedded speaker (en-us+f2), a Coqui zoo name or a model folder")
    p.add_argument("--alignment", help="also write word and phoneme times as JSON")
    p.add_argument("--mix", metavar="A=w,B=w",
                   help="speak with a mix of the voice's speakers, e.g. en_US-joe-medium=0.5,en-us+f2=0.5")
    p.add_argument("--guide", metavar="RECORDING",
                   help="a WAV or FLAC recording of a person reading the text: its timing, intonation and level "
                        "are copied onto the voice")
    p.add_argument("--disclose-guide", action="store_true",
                   help="name the --guide recording's file in the content credentials; by default they only say "
                        "that a recording guided timing and intonation, and hold nothing of it")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="where Coqui models run")
    p.add_argument("--voice-map", action="append", metavar="NAME=LOCAL",
                   help="speak an SSML <voice name=NAME> (Azure, Polly, Google) with a local voice; repeatable")
    p.add_argument("--lang", help="the language of the text, e.g. es or de-DE (default: English)")
    p.add_argument("--trust", action="store_true",
                   help="allow this model's checkpoint to unpickle arbitrary Python objects (only for sources you trust)")
    _credential_options(p)
    p.set_defaults(func=cmd_say)
    p = sub.add_parser("voices", help="list voices and models with their capabilities and licenses; import voices")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--models", action="append", default=[], help="also list the Coqui model folders in this folder")
    p.set_defaults(func=cmd_voices)
    vsub = p.add_subparsers(dest="voices_command")
    q = vsub.add_parser("import", help="convert a Piper voice (.onnx with its .onnx.json) into a Coqui model")
    q.add_argument("path", help="the Piper .onnx file; its .onnx.json must sit beside it")
    q.add_argument("--name", help="the voice's name in the model store (default: the file's name)")
    q.set_defaults(func=cmd_voices)
    p = sub.add_parser("anonymity", help="how close a speaker mix (or a rendered file) is to each source voice and "
                                         "to a real recording; propose safer weights")
    p.add_argument("--mix", help="speaker weights, e.g. en_US-joe-medium=0.5,en-us+f2=0.5")
    p.add_argument("--voice", help="the model whose speakers are mixed (default: the neural narrator)")
    p.add_argument("--text", help="what the mix says for the measurement (default: a sample sentence)")
    p.add_argument("--reference", metavar="RECORDING",
                   help="a WAV or FLAC recording of a person: report the verifier's similarity of the mix (or of "
                        "--audio) to it, and its verdict; exit 1 when it takes them for the same speaker")
    p.add_argument("--audio", metavar="FILE", help="measure this rendered file against --reference instead of a mix")
    p.add_argument("--meter", choices=["ge2e", "mfcc"], default="ge2e",
                   help="ge2e: the trained speaker verifier (default); mfcc: the MFCC voiceprint's relative closeness")
    p.add_argument("--threshold", type=float,
                   help="the score every source must stay below (default: the verifier's calibrated threshold, or "
                        "0.5 for mfcc)")
    p.add_argument("--propose", action="store_true", help="search weights that keep every source below it")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.set_defaults(func=cmd_anonymity)
    p = sub.add_parser("render", help="render a script, subtitles, SSML or project to stems, mix and timing files")
    p.add_argument("input", help="a .txt, .srt, .vtt, .ssml or project .json file")
    p.add_argument("-o", "--output", required=True, help="the folder to write")
    p.add_argument("--voice", help="the voice for scripts and subtitles (default: the neural narrator)")
    p.add_argument("--rate",
                   help="sample rate of the WAV files, e.g. 48000 or 48k for video (24-bit); 8000..192000")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--batch", default="auto", choices=["auto", "on", "off"],
                   help="render the neural voice's segments in padded batches (the same samples as one at a time): "
                        "auto batches on a GPU only")
    p.add_argument("--fit", nargs="?", const="both", choices=["compress", "both", "none"],
                   help="fit subtitle lines to their cues: 'compress' (the default) speeds up lines that are too "
                        "long and reports what still is; --fit alone or 'both' also slows short lines to fill "
                        "the cue, and exits 4 when a line cannot fit; 'none' leaves lines as spoken")
    p.add_argument("--shift", action="store_true",
                   help="move a line whose track is still speaking to the next free moment (default: keep every "
                        "cue on its time and report the overlap)")
    p.add_argument("--fps", type=float, default=25.0,
                   help="video frame rate: a cue ending more than one frame late is reported (default 25)")
    p.add_argument("--loudness", default="broadcast",
                   help="loudness of the mix: broadcast (-23 LUFS, EBU R128, default), podcast (-16), streaming "
                        "(-14), a number of LUFS, or off; the true peak is limited to -1 dBTP")
    _casting_options(p)
    _credential_options(p)
    p.add_argument("--proof", action="store_true",
                   help="listen to every rendered line with the recogniser's forced aligner and flag missing or "
                        "doubtful words: writes proof-report.csv and names the flagged lines on stderr")
    p.add_argument("--takes", type=int, metavar="N",
                   help="render N takes (seeds) of every line and keep the best: fewest flagged words, then "
                        "closest to the intended duration; says which take won and why")
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("verify", help="check the content credentials (C2PA) of audio files: none, valid or altered "
                                      "since signing; who signed; what they declare")
    p.add_argument("files", nargs="+", metavar="FILE", help="WAV files to check")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("batch", help="render a catalogue (a manifest or a folder of inputs) on Ray, line by line, "
                                     "through a shared store of renders")
    p.add_argument("manifest", help="a CSV or JSON lines manifest (input, output, voice, cast, rate, loudness, fit, "
                                    "language), or a folder of scripts, subtitles, SSML and projects")
    p.add_argument("-o", "--output", required=True, help="the folder that gets one `studio render` folder per input")
    p.add_argument("--ray", metavar="ADDRESS", help="join this Ray cluster (default: RAY_ADDRESS, else a runtime "
                                                    "started on this machine)")
    p.add_argument("--store", metavar="FOLDER_OR_URL",
                   help="the store of line renders, a folder every node sees or an fsspec URL (default: "
                        "OUTPUT/.store)")
    p.add_argument("--cpus", type=int, help="CPUs of the local runtime (default: all of this machine's)")
    p.add_argument("--actors", type=int, help="render actors (default: one per CPU, or per GPU with --device cuda)")
    p.add_argument("--cpus-per-actor", type=int, default=1,
                   help="CPUs, and so torch threads, of each actor (default 1); torch's CPU kernels round "
                        "differently with another thread count, so a mix equals `studio render` of the input "
                        "sample for sample when that render ran with as many threads (OMP_NUM_THREADS)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                   help="where the actors' models run; cuda: one actor per GPU, lines in padded batches")
    p.add_argument("--json", action="store_true", help="print a JSON summary at the end (also in "
                                                       "OUTPUT/batch-report.json)")
    p.add_argument("--voice", help="the default voice of every input (a manifest's voice column wins)")
    p.add_argument("--cast", action="append", metavar="NAME=VOICE,...", help="the default cast, as for render")
    p.add_argument("--rate", help="the default sample rate of the WAV files, as for render")
    p.add_argument("--loudness", default="broadcast", help="the default loudness of each mix, as for render")
    p.add_argument("--fit", choices=["compress", "both", "none"], help="the default fit of subtitle lines")
    p.add_argument("--lang", help="the default language, as for render")
    _credential_options(p)
    p.set_defaults(func=cmd_batch)
    return parser


def _credential_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-credentials", action="store_true",
                   help="write the audio without content credentials (by default every WAV carries a signed C2PA "
                        "manifest saying it is synthetic and which voices made it)")
    p.add_argument("--sign-cert", metavar="CHAIN.pem",
                   help="sign with this certificate chain (PEM, leaf first) from a real CA instead of the local, "
                        "untrusted identity; needs --sign-key")
    p.add_argument("--sign-key", metavar="KEY.pem", help="the ES256 (P-256) private key of --sign-cert")


def _casting_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cast", action="append", metavar="NAME=VOICE,...",
                   help="the voice of each speaker, e.g. ALICE=Joe,BOB=Mara: a cast voice (studio voices lists "
                        "them), a designed voice or any --voice spec; remembered for the next import. Speakers not "
                        "named get the next cast voice, or the one they had last time")
    p.add_argument("--voice-map", action="append", metavar="NAME=LOCAL",
                   help="speak an SSML <voice name=NAME> (e.g. en-US-AvaNeural) with a local voice (en-us+f2, a "
                        "Coqui model, mix:A=0.5,B=0.5); repeatable; kept in the project")
    p.add_argument("--speakers", metavar="A,B,...",
                   help="the speaker labels of the subtitles, in track order (LABEL=Track renames); other "
                        "prefixes are read as text")
    p.add_argument("--lang", help="the language of the text, e.g. es or de-DE (default: from a name like "
                                  "film.es.srt, else English)")
    p.add_argument("--lyrics", choices=["skip", "speak", "sing"], default="skip",
                   help="lyrics between music marks (♪): skipped (default), spoken, or chanted")


def build_editor_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Open the Speech Studio editor.",
                                     epilog=f"Headless commands: {', '.join(SUBCOMMANDS)} (studio COMMAND --help).")
    parser.add_argument("project", nargs="?", help="a project file to open (default: the demo project)")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="open the editor offscreen, wait until rendering settles, save a screenshot and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        args = build_parser().parse_args(argv)
        try:
            return args.func(args)
        except BrokenPipeError:  # `studio voices | head`: the reader left, which is fine
            sys.stderr.close()
            return 0
    args = build_editor_parser().parse_args(argv)
    project = Path(args.project) if args.project else DEMO_PROJECT
    if args.screenshot:
        from studio.ui.app import screenshot

        return screenshot(Path(args.screenshot), project)
    from studio.ui.app import run_editor

    return run_editor(project)


if __name__ == "__main__":
    sys.exit(main())
