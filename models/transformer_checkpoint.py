"""Save and load a trained Flax NNX module as one .npz of its state leaves, its size config and
any named extra arrays (the tabular transformer's fits, models/table_transformer.py).

The file is written atomically (temporary file, then rename), so a trained model is reused
safely across runs.
"""

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from synthlaw.sims.engine.store import write_atomic

CONFIG_KEY = "__config__"
EXTRA_PREFIX = "__extra__/"


def _named_leaves(state) -> tuple[list[str], list, object]:
    paths_leaves, treedef = jax.tree_util.tree_flatten_with_path(state)
    return [jax.tree_util.keystr(path) for path, _ in paths_leaves], [leaf for _, leaf in paths_leaves], treedef


def save_module(path: Path, model: nnx.Module, config: dict, extra: dict | None = None) -> None:
    """Write config (JSON), every state leaf of model named by its path, and the extra arrays to
    path (.npz)."""
    names, leaves, _ = _named_leaves(nnx.state(model))
    buffer = io.BytesIO()
    arrays: dict[str, Any] = {CONFIG_KEY: np.array(json.dumps(config)),
                              **{name: np.asarray(leaf) for name, leaf in zip(names, leaves, strict=True)},
                              **{EXTRA_PREFIX + k: np.asarray(v) for k, v in (extra or {}).items()}}
    np.savez(buffer, **arrays)
    write_atomic(Path(path), buffer.getvalue())


M = TypeVar("M", bound=nnx.Module)


def load_module(path: Path, build: Callable[[dict], M]) -> tuple[M, dict]:
    """The module build(config) with the leaves saved at path, and the extra arrays; a missing or
    mis-shaped leaf raises ValueError."""
    with np.load(path, allow_pickle=False) as saved:
        config = json.loads(str(saved[CONFIG_KEY]))
        graphdef, state = nnx.split(nnx.eval_shape(lambda: build(config)))
        names, leaves, treedef = _named_leaves(state)
        arrays = []
        for name, leaf in zip(names, leaves, strict=True):
            if name not in saved or saved[name].shape != leaf.shape:
                raise ValueError(f"{path}: leaf {name} missing or not of shape {leaf.shape}")
            arrays.append(jnp.asarray(saved[name], leaf.dtype))
        extra = {k[len(EXTRA_PREFIX):]: saved[k] for k in saved.files if k.startswith(EXTRA_PREFIX)}
    return nnx.merge(graphdef, jax.tree_util.tree_unflatten(treedef, arrays)), extra

