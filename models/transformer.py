"""A small decoder-only transformer over continuous tokens that predicts a Gaussian for the next point.

GEN-1 in CLAIMS: it reads x_1..x_t and outputs (mean_d, log_var_d), a diagonal Gaussian for x_{t+1}.
Pre-norm blocks (causal multi-head attention, then a GELU MLP), learned positions, and a learned
start token, so the first position predicts x_1 from no points at all.
"""

import dataclasses
from functools import partial
from typing import ClassVar

import jax
import jax.numpy as jnp
from flax import nnx

from synthlaw.settings import Settings, at_least


@dataclasses.dataclass(frozen=True)
class TransformerConfig(Settings):
    """Sizes: d (point dimension), context (points read), layers, width, heads (width % heads == 0)."""

    owner: ClassVar[str] = "TransformerConfig"
    d: int = at_least(1, "point dimension", default=2)
    context: int = at_least(1, "points read", default=32)
    layers: int = at_least(1, default=2)
    width: int = at_least(1, "divisible by heads", default=64)
    heads: int = at_least(1, "dividing width", default=4)
    mlp_ratio: int = at_least(1, "MLP width over width", default=4)

    def limits(self):
        heads_divide_width(self, self.width, self.heads)


def heads_divide_width(sizes: Settings, width: int, heads: int) -> None:
    """The limit every transformer's sizes share: heads split width into equal parts."""
    if width % heads:
        sizes.fail("heads", f"must divide width = {width}")


class CausalAttention(nnx.Module):
    """Multi-head self-attention where position t attends to positions <= t."""

    def __init__(self, width: int, heads: int, *, rngs: nnx.Rngs):
        self.heads = heads
        self.qkv = nnx.Linear(width, 3 * width, rngs=rngs)
        self.out = nnx.Linear(width, width, rngs=rngs)

    def __call__(self, h_btw):
        b, t, w = h_btw.shape
        k_dim = w // self.heads
        qkv_bt3hk = self.qkv(h_btw).reshape(b, t, 3, self.heads, k_dim)
        q_bthk, k_bthk, v_bthk = qkv_bt3hk[:, :, 0], qkv_bt3hk[:, :, 1], qkv_bt3hk[:, :, 2]
        scores_bhts = jnp.einsum("bthk,bshk->bhts", q_bthk, k_bthk) / jnp.sqrt(k_dim).astype(h_btw.dtype)
        causal_ts = jnp.tril(jnp.ones((t, t), bool))
        scores_bhts = jnp.where(causal_ts[None, None], scores_bhts, jnp.finfo(scores_bhts.dtype).min)
        attn_bhts = jax.nn.softmax(scores_bhts, axis=-1)
        o_bthk = jnp.einsum("bhts,bshk->bthk", attn_bhts, v_bthk)
        return self.out(o_bthk.reshape(b, t, w))


class Block(nnx.Module):
    """Pre-norm residual block: h + attn(norm(h)), then h + mlp(norm(h))."""

    def __init__(self, width: int, heads: int, mlp_ratio: int, *, rngs: nnx.Rngs):
        self.norm_attn = nnx.LayerNorm(width, rngs=rngs)
        self.attn = CausalAttention(width, heads, rngs=rngs)
        self.norm_mlp = nnx.LayerNorm(width, rngs=rngs)
        self.up = nnx.Linear(width, mlp_ratio * width, rngs=rngs)
        self.down = nnx.Linear(mlp_ratio * width, width, rngs=rngs)

    def __call__(self, h_btw):
        h_btw = h_btw + self.attn(self.norm_attn(h_btw))
        return h_btw + self.down(jax.nn.gelu(self.up(self.norm_mlp(h_btw))))


class GaussianTransformer(nnx.Module):
    """x_btd -> (mean_btd, log_var_btd): position t predicts x_btd[:, t] from x_btd[:, :t].

    The tokens are [start, x_1, ..., x_{T-1}], so the last point x_T is never read and
    position 0 gives the prediction from an empty context.
    """

    def __init__(self, config: TransformerConfig, *, rngs: nnx.Rngs):
        w = config.width
        self.config = config
        self.embed = nnx.Linear(config.d, w, rngs=rngs)
        self.start_w = nnx.Param(0.02 * jax.random.normal(rngs.params(), (w,)))
        self.position_tw = nnx.Param(0.02 * jax.random.normal(rngs.params(), (config.context, w)))
        self.blocks = nnx.List([Block(w, config.heads, config.mlp_ratio, rngs=rngs)
                                for _ in range(config.layers)])
        self.norm_out = nnx.LayerNorm(w, rngs=rngs)
        self.head = nnx.Linear(w, 2 * config.d, kernel_init=nnx.initializers.zeros, rngs=rngs)

    def __call__(self, x_btd):
        b, t, _ = x_btd.shape
        start_b1w = jnp.broadcast_to(self.start_w[...], (b, 1, self.config.width))
        h_btw = jnp.concatenate([start_b1w, self.embed(x_btd[:, :-1])], axis=1)
        h_btw = h_btw + self.position_tw[...][None, :t]
        for block in self.blocks:
            h_btw = block(h_btw)
        out_bt2d = self.head(self.norm_out(h_btw))
        mean_btd, log_var_btd = jnp.split(out_bt2d, 2, axis=-1)
        return mean_btd, log_var_btd


def gaussian_nll(x_btd, mean_btd, log_var_btd):
    """Mean over batch and positions of -log N(x; mean, diag exp(log_var)), without the 2 pi term."""
    per_dim_btd = log_var_btd + jnp.square(x_btd - mean_btd) * jnp.exp(-log_var_btd)
    return 0.5 * per_dim_btd.sum(axis=-1).mean()


def parameter_count(model: nnx.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.size for p in jax.tree.leaves(nnx.state(model, nnx.Param)))


@partial(jax.jit, static_argnames=("graphdef", "context"))
def sample_functional(graphdef, state, prompt_bpd, *, key, temperature, context: int):
    """Continue prompt_bpd to context points, drawing x_t ~ N(mean_t, temperature * var_t).

    Functional form (nnx.split of a GaussianTransformer) so it jits once per shape.
    Returns x_btd with x_btd[:, :p] = prompt_bpd.
    """
    model = nnx.merge(graphdef, state)
    b, p, d = prompt_bpd.shape
    x_btd = jnp.zeros((b, context, d), prompt_bpd.dtype).at[:, :p].set(prompt_bpd)
    noise_btd = jax.random.normal(key, x_btd.shape, x_btd.dtype)

    def draw_next(t, x_btd):
        mean_btd, log_var_btd = model(x_btd)
        std_bd = jnp.sqrt(temperature) * jnp.exp(0.5 * log_var_btd[:, t])
        return x_btd.at[:, t].set(mean_btd[:, t] + std_bd * noise_btd[:, t])

    return jax.lax.fori_loop(p, context, draw_next, x_btd)


def sample(model: GaussianTransformer, prompt_bpd, *, key, temperature=1.0):
    """A batch of sequences of model.config.context points that continue prompt_bpd (p may be 0)."""
    graphdef, state = nnx.split(model)
    return sample_functional(graphdef, state, prompt_bpd, key=key, temperature=temperature,
                             context=model.config.context)
