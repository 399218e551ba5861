"""The `synthlaw` command: verify claims, rebuild their report, list and explain them, rerun the
paper's real-data sweeps, oversample a CSV. One module per group of subcommands; nothing else in
synthlaw imports this package."""

import os
import sys
from importlib import metadata

from synthlaw.cli import claims, oversample, paper
from synthlaw.cli.usage import USAGE_ERROR, Parser, UsageError
from synthlaw.sims.engine.compile_cache import enable_compile_cache

INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away
COMMANDS = {**claims.COMMANDS, "paper": paper.run_paper, "oversample": oversample.run_oversample}


def build_parser() -> Parser:
    parser = Parser(prog="synthlaw", description="Verify the theory of synthetic oversampling by simulation.")
    parser.add_argument("--version", action="version", version=f"synthlaw {metadata.version('synthlaw')}")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    claims.add_parsers(commands)
    paper.add_parser(commands)
    oversample.add_parser(commands)
    return parser


def interrupted(args) -> str:
    """The line Ctrl-C prints: for verify (and paper), how many sweep chunks are saved to resume from."""
    out = getattr(args, "out", None)
    if getattr(args, "command", None) in ("verify", "paper") and out is not None:
        from synthlaw.theory.runner.saved import saved_chunks

        return f"interrupted; {saved_chunks(out)} chunks saved; rerun the same command to resume"
    return "interrupted"


def main(argv=None) -> int:
    """Run one command; return its exit code (0, 1 for a FAIL, 2 for a usage error, 130 for Ctrl-C)."""
    args = None
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --version, --help
            return int(done.code or 0)
        if args.command is None:
            print(parser.format_help(), file=sys.stderr, end="")
            return USAGE_ERROR
        if args.command not in ("list", "explain"):  # the two that never import JAX
            enable_compile_cache()
        code = COMMANDS[args.command](args)
        sys.stdout.flush()
        return code
    except UsageError as err:
        print(f"synthlaw: error: {err}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(interrupted(args), file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
