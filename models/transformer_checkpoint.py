"""Save and load a trained GaussianTransformer as one .npz of its state leaves plus its size config.

The file is written atomically (temporary file, then rename), so a trained generator is reused
safely across runs.
"""

import io
import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from synthlaw.models.transformer import GaussianTransformer, TransformerConfig
from synthlaw.sims.store import write_atomic

CONFIG_KEY = "__config__"


def _named_leaves(state) -> tuple[list[str], list, object]:
    paths_leaves, treedef = jax.tree_util.tree_flatten_with_path(state)
    return [jax.tree_util.keystr(path) for path, _ in paths_leaves], [leaf for _, leaf in paths_leaves], treedef


def save_generator(path: Path, model: GaussianTransformer) -> None:
    """Write model's config and every state leaf, named by its path, to path (.npz)."""
    names, leaves, _ = _named_leaves(nnx.state(model))
    buffer = io.BytesIO()
    np.savez(buffer, **{CONFIG_KEY: np.array(json.dumps(model.config.to_dict()))},
             **{name: np.asarray(leaf) for name, leaf in zip(names, leaves)})
    write_atomic(Path(path), buffer.getvalue())


def load_generator(path: Path) -> GaussianTransformer:
    """The GaussianTransformer saved at path; a missing or mis-shaped leaf raises ValueError."""
    with np.load(path, allow_pickle=False) as saved:
        config = TransformerConfig(**json.loads(str(saved[CONFIG_KEY])))
        abstract = nnx.eval_shape(lambda: GaussianTransformer(config, rngs=nnx.Rngs(0)))
        graphdef, state = nnx.split(abstract)
        names, leaves, treedef = _named_leaves(state)
        arrays = []
        for name, leaf in zip(names, leaves):
            if name not in saved or saved[name].shape != leaf.shape:
                raise ValueError(f"{path}: leaf {name} missing or not of shape {leaf.shape}")
            arrays.append(jnp.asarray(saved[name], leaf.dtype))
    return nnx.merge(graphdef, jax.tree_util.tree_unflatten(treedef, arrays))
