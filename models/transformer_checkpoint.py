"""Save and load a trained Flax NNX module as one .npz of its state leaves, its size config and
any named extra arrays (GaussianTransformer of GEN-1; the tabular transformer's fits).

The file is written atomically (temporary file, then rename), so a trained generator is reused
safely across runs.
"""

import io
import json
from pathlib import Path
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from synthlaw.models.transformer import GaussianTransformer, TransformerConfig
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
    np.savez(buffer, **{CONFIG_KEY: np.array(json.dumps(config))},
             **{name: np.asarray(leaf) for name, leaf in zip(names, leaves)},
             **{EXTRA_PREFIX + k: np.asarray(v) for k, v in (extra or {}).items()})
    write_atomic(Path(path), buffer.getvalue())


def load_module(path: Path, build: Callable[[dict], nnx.Module]) -> tuple[nnx.Module, dict]:
    """The module build(config) with the leaves saved at path, and the extra arrays; a missing or
    mis-shaped leaf raises ValueError."""
    with np.load(path, allow_pickle=False) as saved:
        config = json.loads(str(saved[CONFIG_KEY]))
        graphdef, state = nnx.split(nnx.eval_shape(lambda: build(config)))
        names, leaves, treedef = _named_leaves(state)
        arrays = []
        for name, leaf in zip(names, leaves):
            if name not in saved or saved[name].shape != leaf.shape:
                raise ValueError(f"{path}: leaf {name} missing or not of shape {leaf.shape}")
            arrays.append(jnp.asarray(saved[name], leaf.dtype))
        extra = {k[len(EXTRA_PREFIX):]: saved[k] for k in saved.files if k.startswith(EXTRA_PREFIX)}
    return nnx.merge(graphdef, jax.tree_util.tree_unflatten(treedef, arrays)), extra


def save_generator(path: Path, model: GaussianTransformer) -> None:
    """Write a GaussianTransformer and its config to path (.npz)."""
    save_module(path, model, model.config.to_dict())


def load_generator(path: Path) -> GaussianTransformer:
    """The GaussianTransformer saved at path."""
    return load_module(path, lambda c: GaussianTransformer(TransformerConfig(**c), rngs=nnx.Rngs(0)))[0]
