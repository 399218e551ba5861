"""What every subcommand shares: the usage error (one line, exit 2), the parser that raises it,
and checks of common options."""

import argparse
import os
from pathlib import Path

USAGE_ERROR = 2
SEED_LIMIT = 2**62  # JAX keys take 64-bit integers, and runs add offsets to the base seed


class UsageError(Exception):
    """A user mistake: reported as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def seed_arg(text: str) -> int:
    """--seed: an integer of absolute value below SEED_LIMIT."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if abs(value) >= SEED_LIMIT:
        raise argparse.ArgumentTypeError(f"{text}: allowed: an integer of absolute value below 2**62")
    return value


def add_distributed(command) -> None:
    """--distributed SPEC: join a multi-host run."""
    command.add_argument("--distributed", metavar="SPEC",
                         help="join a multi-host run: 'auto' (SLURM, Open MPI, ...) or "
                              "HOST:PORT,NUM_PROCESSES,PROCESS_ID; process 0 writes the files")


def check_out(out: Path, flag: str = "--out") -> None:
    """Refuse, before anything is computed, an output folder that is a file or cannot be written."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file" if existing == out else f"lies under the file {existing}"
        raise UsageError(f"{flag} {out}: {what}; give a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {out}: {existing} is not writable")


def comma_list(option: str, text: str, allowed: tuple) -> list:
    """A comma-separated choice: every name must be in allowed."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [n for n in names if n not in allowed]
    if not names or unknown:
        raise UsageError(f"{option} {text!r}: {'unknown ' + repr(unknown[0]) + '; ' if unknown else ''}"
                         f"allowed: {', '.join(allowed)} (comma-separated)")
    return list(dict.fromkeys(names))


def join_hosts(spec: str | None) -> None:
    """Start jax.distributed before any computation when --distributed is given; an error about the
    field `distributed` is worded as the flag."""
    if spec is None:
        return
    from synthlaw.sims.engine.hosts import start_distributed

    try:
        start_distributed(spec)
    except ValueError as err:
        raise UsageError(f"--{err}") from None
