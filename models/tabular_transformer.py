"""A decoder-only transformer over serialised table rows, with a categorical head (GEN-2 in CLAIMS).

A row becomes the tokens [class, column 1, bin 1, ..., column d, bin d], where a bin is the row's
quantile bin in that column (edges fitted on the training rows). Decoding draws uniformly inside
the bin; the outer edges are the training minimum and maximum. The blocks are those of
models/transformer.py; the optimiser is that of models/transformer_training.py.
"""

from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from synthlaw.models.synthetic import Synthetic
from synthlaw.models.transformer import Block
from synthlaw.models.transformer_training import TrainConfig, optimizer, train_in_blocks


@dataclass(frozen=True)
class TabularConfig:
    """Sizes: classes, columns d, quantile bins per column, layers, width, heads (width % heads == 0)."""

    n_classes: int = 2
    d: int = 2
    n_bins: int = 16
    layers: int = 2
    width: int = 32
    heads: int = 4
    mlp_ratio: int = 4

    @property
    def vocab(self) -> int:
        """Class tokens, then column tokens, then bin tokens."""
        return self.n_classes + self.d + self.n_bins

    @property
    def length(self) -> int:
        """Tokens in one serialised row."""
        return 1 + 2 * self.d


def fit_bins(x_nd, n_bins: int):
    """Quantile edges edges_dk (k = n_bins + 1) of each column at levels 0, 1/n_bins, ..., 1."""
    return jnp.quantile(x_nd, jnp.linspace(0.0, 1.0, n_bins + 1), axis=0).T


def encode(x_nd, y_n, edges_dk, config: TabularConfig):
    """Rows and classes -> tokens_nt. Bin k holds [edge_k, edge_{k+1}); values beyond the outer
    edges fall into the outer bins."""
    inner_dk = edges_dk[:, 1:-1]
    bin_nd = jax.vmap(lambda e_k, x_n: jnp.searchsorted(e_k, x_n, side="right"), in_axes=(0, 1),
                      out_axes=1)(inner_dk, x_nd)
    n, d = x_nd.shape
    column_nd = jnp.broadcast_to(config.n_classes + jnp.arange(d)[None, :], (n, d))
    pairs_n2d = jnp.stack([column_nd, config.n_classes + d + bin_nd], axis=2).reshape(n, 2 * d)
    return jnp.concatenate([y_n[:, None], pairs_n2d], axis=1).astype(jnp.int32)


def decode(key, tokens_nt, edges_dk, config: TabularConfig):
    """tokens_nt -> x_nd, each value uniform inside its bin [edge_k, edge_{k+1}]."""
    bin_nd = tokens_nt[:, 2::2] - (config.n_classes + config.d)
    column_d = jnp.arange(config.d)
    lo_nd = edges_dk[column_d[None, :], bin_nd]
    hi_nd = edges_dk[column_d[None, :], bin_nd + 1]
    u_nd = jax.random.uniform(key, lo_nd.shape, lo_nd.dtype)
    return lo_nd + u_nd * (hi_nd - lo_nd)


def valid_tv(config: TabularConfig):
    """valid_tv[t - 1, v]: may token v sit at position t? Its column token at odd t, a bin at even t."""
    t_t = jnp.arange(1, config.length)
    token_v = jnp.arange(config.vocab)
    column_t = config.n_classes + (t_t - 1) // 2
    is_bin_t = t_t % 2 == 0
    return jnp.where(is_bin_t[:, None], token_v[None, :] >= config.n_classes + config.d,
                     token_v[None, :] == column_t[:, None])


class TabularTransformer(nnx.Module):
    """tokens_bt -> logits_btv, where position t predicts token t + 1; invalid tokens get the
    lowest float (valid_tv)."""

    def __init__(self, config: TabularConfig, *, rngs: nnx.Rngs):
        w = config.width
        self.config = config
        self.embed = nnx.Embed(config.vocab, w, rngs=rngs)
        self.position_tw = nnx.Param(0.02 * jax.random.normal(rngs.params(), (config.length - 1, w)))
        self.blocks = nnx.List([Block(w, config.heads, config.mlp_ratio, rngs=rngs)
                                for _ in range(config.layers)])
        self.norm_out = nnx.LayerNorm(w, rngs=rngs)
        self.head = nnx.Linear(w, config.vocab, kernel_init=nnx.initializers.zeros, rngs=rngs)

    def __call__(self, tokens_bt):
        t = tokens_bt.shape[1]
        h_btw = self.embed(tokens_bt) + self.position_tw[...][None, :t]
        for block in self.blocks:
            h_btw = block(h_btw)
        logits_btv = self.head(self.norm_out(h_btw))
        return jnp.where(valid_tv(self.config)[None, :t], logits_btv, jnp.finfo(logits_btv.dtype).min)


def token_loss(graphdef, params, tokens_bt):
    """Mean next-token cross-entropy over the bin tokens, in nats (column tokens are forced)."""
    logits_btv = nnx.merge(graphdef, params)(tokens_bt[:, :-1])
    ce_bt = optax.softmax_cross_entropy_with_integer_labels(logits_btv, tokens_bt[:, 1:])
    return ce_bt[:, 1::2].mean()


@partial(jax.jit, static_argnames=("graphdef", "train", "n_steps"))
def train_block(graphdef, params, opt_state, tokens_nt, key, *, train: TrainConfig, n_steps: int):
    """n_steps AdamW steps, each on train.batch rows drawn with replacement. Returns params,
    opt_state, loss_s."""
    tx = optimizer(train)

    def step(carry, key_step):
        params, opt_state = carry
        rows_b = jax.random.randint(key_step, (train.batch,), 0, tokens_nt.shape[0])
        loss, grads = jax.value_and_grad(token_loss, argnums=1)(graphdef, params, tokens_nt[rows_b])
        updates, opt_state = tx.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state), loss

    (params, opt_state), loss_s = jax.lax.scan(step, (params, opt_state), jax.random.split(key, n_steps))
    return params, opt_state, loss_s


class TabularFit(NamedTuple):
    """A trained TabularTransformer, its quantile edges and its training losses."""

    model: TabularTransformer
    edges_dk: jax.Array
    loss_s: np.ndarray


def train_tabular(x_nd, y_n, config: TabularConfig, train: TrainConfig, *, key) -> TabularFit:
    """Fit bins on x_nd, then train a fresh TabularTransformer on the rows of every class."""
    key_init, key_data = jax.random.split(key)
    edges_dk = fit_bins(x_nd, config.n_bins)
    tokens_nt = encode(x_nd, y_n, edges_dk, config)
    model = TabularTransformer(config, rngs=nnx.Rngs(params=key_init))
    graphdef, params = nnx.split(model, nnx.Param)
    run = lambda p, o, k, n: train_block(graphdef, p, o, tokens_nt, k, train=train, n_steps=n)
    params, loss_s = train_in_blocks(run, params, train, key=key_data)
    return TabularFit(nnx.merge(graphdef, params), edges_dk, loss_s)


@partial(jax.jit, static_argnames=("graphdef", "n_new"))
def sample_tokens(graphdef, state, label, n_new: int, *, key, temperature):
    """n_new rows of tokens_nt starting with class token `label`, each next token drawn from
    softmax(logits / temperature) over the tokens valid at its position."""
    model = nnx.merge(graphdef, state)
    tokens_nt = jnp.zeros((n_new, model.config.length), jnp.int32).at[:, 0].set(label)

    def draw_next(t, tokens_nt):
        logits_nv = jnp.take(model(tokens_nt[:, :-1]), t - 1, axis=1)
        token_n = jax.random.categorical(jax.random.fold_in(key, t), logits_nv / temperature)
        return tokens_nt.at[:, t].set(token_n)

    return jax.lax.fori_loop(1, model.config.length, draw_next, tokens_nt)


def generate(key, x_min_nd, n_new: int, *, fit: TabularFit, label: int = 0, temperature=1.0) -> Synthetic:
    """n_new rows sampled conditionally on class `label` and decoded; x_min_nd is not used (the
    model was trained on every class). parents_nk has k = 0."""
    del x_min_nd
    key_tokens, key_decode = jax.random.split(key)
    graphdef, state = nnx.split(fit.model)
    tokens_nt = sample_tokens(graphdef, state, label, n_new, key=key_tokens, temperature=temperature)
    x_nd = decode(key_decode, tokens_nt, fit.edges_dk, fit.model.config)
    return Synthetic(x_nd, jnp.zeros((n_new, 0), jnp.int32))
