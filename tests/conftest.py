import os

import jax
import pytest

from synthlaw.sims.engine.compile_cache import enable_compile_cache

jax.config.update("jax_numpy_rank_promotion", "raise")
jax.config.update("jax_legacy_prng_key", "error")


@pytest.fixture(scope="session", autouse=True)
def compile_cache(tmp_path_factory):
    """One persistent compilation cache for the session, shared with the CLI children it starts:
    a program that several tests compile is compiled once (sims/engine/compile_cache.py)."""
    folder = tmp_path_factory.mktemp("xla")
    os.environ["SYNTHLAW_COMPILE_CACHE"] = str(folder)
    enable_compile_cache()
    return folder
