"""XLA's persistent compilation cache for the command line: a program compiled once is read back
in later runs (a rerun of verify, report, calibrate or paper skips most of its compile time).

The folder is $SYNTHLAW_COMPILE_CACHE, else $XDG_CACHE_HOME/synthlaw/xla, else
~/.cache/synthlaw/xla; SYNTHLAW_COMPILE_CACHE=off turns it off. JAX keys each entry by the
program, the compile options, the JAX version and the device, so a stale entry is never used.
Library callers are left alone: the cache is theirs to set (jax_compilation_cache_dir).
"""

import os
import sys
from pathlib import Path

OFF = "off"
MIN_COMPILE_SECONDS = 0.2  # programs that compile faster are not worth a file


def cache_folder() -> Path | None:
    """Where the cache lives, or None when SYNTHLAW_COMPILE_CACHE=off."""
    chosen = os.environ.get("SYNTHLAW_COMPILE_CACHE")
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "synthlaw" / "xla"


def enable_compile_cache() -> None:
    """Point JAX's persistent compilation cache at cache_folder() (no-op when off). Before JAX is
    imported this sets the environment variables JAX reads its flags from, so that a command whose
    input is wrong answers without loading JAX (about 1 s); after, it updates JAX's config."""
    folder = cache_folder()
    if folder is None:
        return
    if "jax" not in sys.modules:
        os.environ["JAX_COMPILATION_CACHE_DIR"] = str(folder)
        os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = str(MIN_COMPILE_SECONDS)
        return
    import jax

    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", MIN_COMPILE_SECONDS)
