"""XLA's persistent compilation cache for synthlaw's programs: a program compiled once is read back
in later runs (a rerun of verify, report, calibrate or paper skips most of its compile time; a
sampler's first fit_resample in a new process reads its generator instead of compiling it).

The folder is $SYNTHLAW_COMPILE_CACHE, else $XDG_CACHE_HOME/synthlaw/xla, else
~/.cache/synthlaw/xla; SYNTHLAW_COMPILE_CACHE=off turns it off. JAX keys each entry by the
program, the compile options, the JAX version and the device, so a stale entry is never used.
The command line always enables it (enable_compile_cache). The samplers (samplers.py) opt in
with enable_unless_chosen: only when the caller has not chosen a JAX cache folder; JAX has one
cache per process, so from then on the caller's own programs that compile for longer than
MIN_COMPILE_SECONDS are kept there too (SYNTHLAW_COMPILE_CACHE=off, or a folder of their own in
jax_compilation_cache_dir, avoids that).
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


def enable_unless_chosen() -> None:
    """enable_compile_cache(), unless the caller has chosen a JAX cache folder (JAX_COMPILATION_CACHE_DIR,
    or jax_compilation_cache_dir once JAX is loaded): theirs is then left as it is."""
    if "jax" in sys.modules:
        import jax

        chosen = jax.config.values["jax_compilation_cache_dir"]
    else:
        chosen = os.environ.get("JAX_COMPILATION_CACHE_DIR")
    if not chosen:
        enable_compile_cache()
