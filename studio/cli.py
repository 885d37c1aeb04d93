"""The `studio` command: the editor by default, plus headless subcommands.

Heavy modules (Qt, torch, Coqui) are imported inside the subcommand that needs them, so `studio new` never
loads Qt and the editor window opens before torch is loaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEMO_PROJECT = Path(__file__).resolve().parent.parent / "assets" / "demo" / "demo.studio.json"
SUBCOMMANDS = ("new",)


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

    try:
        lines = read_script(args.input)
        project = build_project(lines, VoiceRegistry(), EMBEDDED, speakers=[s.id for s in SPEAKERS],
                                title=Path(args.input).stem)
        save(project, args.output)
    except (ImportError_, AnalysisError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"could not write {args.output}: {exc.strerror or exc}.")
    n_ph = sum(len(s.phonemes()) for s in project.segments)
    print(f"wrote {args.output}: {len(project.tracks)} tracks, {len(project.segments)} segments, {n_ph} phonemes")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Speech Studio: an expressive speech editor.")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("new", help="build a project from a .txt or dialogue script, headless")
    p.add_argument("input", help="a .txt file; lines like 'NAME: text' make one track per speaker")
    p.add_argument("-o", "--output", required=True, help="the project file to write (.json)")
    p.set_defaults(func=cmd_new)
    return parser


def build_editor_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="Open the Speech Studio editor.",
                                     epilog=f"Headless commands: {', '.join(SUBCOMMANDS)} (studio COMMAND --help).")
    parser.add_argument("project", nargs="?", help="a project file to open (default: the demo project)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        args = build_parser().parse_args(argv)
        return args.func(args)
    args = build_editor_parser().parse_args(argv)
    from studio.ui.app import run_editor

    return run_editor(Path(args.project) if args.project else DEMO_PROJECT)


if __name__ == "__main__":
    sys.exit(main())
