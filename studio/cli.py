"""The `studio` command: the editor by default, plus headless subcommands.

Heavy modules (Qt, torch, Coqui) are imported inside the subcommand that needs them, so `studio new` never
loads Qt and the editor window opens before torch is loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEMO_PROJECT = Path(__file__).resolve().parent.parent / "assets" / "demo" / "demo.studio.json"
SUBCOMMANDS = ("new", "say", "voices", "anonymity", "render")


def _fail(message: str, code: int = 2) -> int:
    print(f"studio: {message}", file=sys.stderr)
    return code


def cmd_new(args: argparse.Namespace) -> int:
    from studio.core.analysis import AnalysisError
    from studio.core.project_io import save
    from studio.core.script import build_project
    from studio.engine.embedded import SPEAKERS
    from studio.engine.voices import EMBEDDED, VoiceRegistry
    from studio.interchange.text_script import ImportError_, read_script

    from studio.engine.speak import build
    from studio.interchange.ssml import SsmlError, looks_like_ssml
    from studio.interchange.text_script import read_text_file

    from studio.core.project_io import ProjectFileError, is_project_file, load

    registry = VoiceRegistry()
    try:
        if is_project_file(args.input):
            # Already a project (whatever its name): check it and write a copy, never read its JSON aloud.
            project = load(args.input)
            save(project, args.output)
            print(f"studio: note: {args.input} is a Speech Studio project already; wrote a checked copy.",
                  file=sys.stderr)
            print(f"wrote {args.output}: {len(project.tracks)} tracks, {len(project.segments)} segments")
            return 0
        text = read_text_file(args.input)
        if args.input.lower().endswith(".ssml") or looks_like_ssml(text):
            notes: list[str] = []
            project = build(text, args.voice, registry, notes)
            project.title = Path(args.input).stem
            for note in notes:
                print(f"studio: note: {note}", file=sys.stderr)
        else:
            lines = read_script(args.input)
            project = build_project(lines, registry, EMBEDDED, speakers=[s.id for s in SPEAKERS],
                                    title=Path(args.input).stem)
        save(project, args.output)
    except (ImportError_, AnalysisError, SsmlError, ProjectFileError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"could not write {args.output}: {exc.strerror or exc}.")
    n_ph = sum(len(s.phonemes()) for s in project.segments)
    print(f"wrote {args.output}: {len(project.tracks)} tracks, {len(project.segments)} segments, {n_ph} phonemes")
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from studio.core.analysis import AnalysisError
    from studio.engine.coqui.loading import ModelError
    from studio.engine.speak import speak
    from studio.engine.voices import VoiceRegistry
    from studio.interchange.alignment import write_alignment
    from studio.interchange.audio_files import write_wav

    registry = VoiceRegistry(device=args.device, trusted={args.voice} if args.trust and args.voice else set(),
                             progress=lambda msg: print(msg, file=sys.stderr))
    from studio.interchange.ssml import SsmlError
    from studio.interchange.text_script import ImportError_, read_text_file

    try:
        text = read_text_file(args.text) if args.text.lower().endswith(".ssml") else args.text
        spoken = speak(text, args.voice, registry)
    except (AnalysisError, ModelError, ValueError, SsmlError, ImportError_) as exc:
        return _fail(str(exc))
    for note in spoken.notes:
        print(f"studio: note: {note}", file=sys.stderr)
    try:
        write_wav(args.output, spoken.audio, spoken.sample_rate)
        if args.alignment:
            write_alignment(args.alignment, spoken.placed, spoken.sample_rate)
    except OSError as exc:
        return _fail(f"could not write the output: {exc.strerror or exc}.")
    print(f"wrote {args.output}: {len(spoken.audio) / spoken.sample_rate:.2f} s at {spoken.sample_rate} Hz")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    from studio.engine.catalog import catalog

    entries = catalog(args.models)
    if args.json:
        print(json.dumps(entries, indent=1, ensure_ascii=False))
        return 0
    for e in entries:
        caps = ", ".join(k for k in ("pitch", "energy", "duration", "mix") if e.get(k))
        license = e["license"] + ("" if e["commercial_use"] else " (non-commercial)")
        print(f"{e['name']:<52} {e['kind']:<9} {e['status']:<14} {caps or '-':<30} {license}")
    return 0


def cmd_anonymity(args: argparse.Namespace) -> int:
    from studio.engine import anonymity
    from studio.engine.coqui.loading import ModelError
    from studio.engine.voices import VoiceRegistry, parse_voice
    from studio.interchange.ssml import SsmlError, parse_voice_name

    try:
        mix = parse_voice_name("mix:" + args.mix)
        ref, _ = parse_voice(args.voice)
        backbone = VoiceRegistry(device=args.device).backbone(ref)
    except (SsmlError, ModelError) as exc:
        return _fail(str(exc))
    known = {s.id for s in backbone.capabilities().speakers}
    unknown = [name for name, _ in mix.weights if name not in known]
    if unknown:
        return _fail(f"unknown speaker(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}.")
    render = anonymity.mix_renderer(backbone)
    model = getattr(backbone, "model", None)

    def report(closeness, title):
        print(title)
        for c in closeness:
            emb = "" if c.embedding is None else f"   embedding cosine {c.embedding:+.2f}"
            flag = "  ABOVE THRESHOLD" if c.acoustic >= args.threshold else ""
            print(f"  {c.speaker:<22} closeness {c.acoustic:.2f}{emb}{flag}")

    report(anonymity.measure(render, mix.weights, model),
           f"closeness of the mix {args.mix} to each source (threshold {args.threshold}):")
    if args.propose:
        found = anonymity.propose(render, mix.weights, args.threshold, model=model)
        if found is None:
            print(f"no mix of these voices measured below {args.threshold} for every source; add a more different "
                  "voice or raise the threshold.")
            return 1
        weights, closeness = found
        report(closeness, "proposed weights " + ",".join(f"{n}={w:.2f}" for n, w in sorted(weights.items()))
               + ", measured:")
    return 0


# Exit codes of `studio render`, also in the README.
EXIT_OK, EXIT_INPUT, EXIT_RENDER_FAILED, EXIT_DID_NOT_FIT = 0, 2, 3, 4


def cmd_render(args: argparse.Namespace) -> int:
    from studio.core.analysis import AnalysisError
    from studio.core.project_io import ProjectFileError
    from studio.engine.coqui.loading import ModelError
    from studio.engine.voices import VoiceRegistry
    from studio.interchange.batch import load_input, render_project, write_outputs
    from studio.interchange.ssml import SsmlError
    from studio.interchange.subtitles import SubtitleError
    from studio.interchange.text_script import ImportError_

    registry = VoiceRegistry(device=args.device, progress=lambda m: print(m, file=sys.stderr))
    notes: list[str] = []
    try:
        project = load_input(Path(args.input), args.voice, registry, notes)
    except (ImportError_, AnalysisError, SsmlError, SubtitleError, ProjectFileError, ModelError, ValueError) as exc:
        return _fail(str(exc), EXIT_INPUT)
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
    results, done = render_project(project, registry, fit=args.fit, progress=progress)
    out_dir = Path(args.output)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_outputs(out_dir, results, done, args.rate)
    except (OSError, ValueError) as exc:
        return _fail(f"could not write the output: {getattr(exc, 'strerror', None) or exc}", EXIT_RENDER_FAILED)
    for note in notes + done.notes:
        print(f"studio: note: {note}", file=sys.stderr)
    code = EXIT_OK
    for seg_id, reason in done.failed.items():
        print(f"studio: segment \"{project.segment(seg_id).text[:50]}\" failed: {reason}", file=sys.stderr)
        code = EXIT_RENDER_FAILED
    for f in (f for f in done.fits if abs(f.miss) > 0.02):
        print(f"studio: \"{project.segment(f.segment_id).text[:50]}\" {f.message()}", file=sys.stderr)
    # A line that ends early leaves silence; one that runs long overlaps the next cue, which a dub cannot use.
    if code == EXIT_OK and any(f.miss > 0.02 for f in done.fits):
        code = EXIT_DID_NOT_FIT
    print(f"wrote {out_dir}: {len(results)} segments, {len(project.tracks)} stems at {done.rate} Hz")
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Speech Studio: an expressive speech editor.")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("new", help="build a project from a .txt or dialogue script, headless")
    p.add_argument("input", help="a .txt file (lines like 'NAME: text' make one track per speaker) or a .ssml file")
    p.add_argument("--voice", help="the voice for SSML input (default: the embedded voice)")
    p.add_argument("-o", "--output", required=True, help="the project file to write (.json)")
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("say", help="render text to a WAV file, with an optional alignment JSON")
    p.add_argument("text", help="the text to speak, SSML starting with <speak, or a .ssml file")
    p.add_argument("-o", "--output", required=True, help="the WAV file to write")
    p.add_argument("--voice", help="'embedded', an embedded speaker (en-us+f2), a Coqui zoo name or a model folder")
    p.add_argument("--alignment", help="also write word and phoneme times as JSON")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="where Coqui models run")
    p.add_argument("--trust", action="store_true",
                   help="allow this model's checkpoint to unpickle arbitrary Python objects (only for sources you trust)")
    p.set_defaults(func=cmd_say)
    p = sub.add_parser("voices", help="list voices and models with their capabilities and licenses")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--models", action="append", default=[], help="also list the Coqui model folders in this folder")
    p.set_defaults(func=cmd_voices)
    p = sub.add_parser("anonymity", help="how close a speaker mix is to each source voice; propose safer weights")
    p.add_argument("--mix", required=True, help="speaker weights, e.g. en-us=0.5,en-us+f2=0.5")
    p.add_argument("--voice", help="the model whose speakers are mixed (default: the embedded voice)")
    p.add_argument("--threshold", type=float, default=0.5, help="closeness every source must stay below")
    p.add_argument("--propose", action="store_true", help="search weights that keep every source below it")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.set_defaults(func=cmd_anonymity)
    p = sub.add_parser("render", help="render a script, subtitles, SSML or project to stems, mix and timing files")
    p.add_argument("input", help="a .txt, .srt, .vtt, .ssml or project .json file")
    p.add_argument("-o", "--output", required=True, help="the folder to write")
    p.add_argument("--voice", help="the voice for scripts and subtitles (default: the embedded voice)")
    p.add_argument("--rate", type=int, help="sample rate of the WAV files, e.g. 48000 for video (24-bit)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--fit", action="store_true", help="fit each subtitle line to its cue's slot")
    p.set_defaults(func=cmd_render)
    return parser


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
