"""A decoder-only transformer over serialised table rows, with a categorical head (GEN-2 in CLAIMS).

A row becomes the tokens [class, level 1, ..., level d], where level j is the row's value token in
column j's codebook (models/table_tokens.py: one level per value for a numeric column with few
distinct values, quantile bins otherwise, one level per code of a categorical column, and a blank
level for a numeric column with NaN); the columns come in a fixed order, so a position names its
column. Sampling draws each level among the levels valid for its column;
decoding maps levels back to values. Training may draw each class equally often (row_weights)
and read inputs with some levels replaced by noise (corrupted), so that a small class is learned
before its rows are memorised (issue 21). The blocks are those of models/transformer.py; the
optimiser is that of models/transformer_training.py.
"""

import dataclasses
from functools import partial
from typing import ClassVar, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from synthlaw.models.synthetic import Synthetic
from synthlaw.models.table_tokens import Codebook, decode_levels, encode_levels, fit_codebook
from synthlaw.models.transformer import Block, heads_divide_width
from synthlaw.models.transformer_training import TrainConfig, graph_of, init_state, optimizer, train_in_blocks
from synthlaw.settings import Settings, at_least


@dataclasses.dataclass(frozen=True)
class TabularConfig(Settings):
    """Sizes: classes, columns d, levels per numeric column at most n_bins, layers, width, heads
    (width % heads == 0); levels: each column's level count (empty: n_bins for every column), more
    than n_bins for a categorical column with more codes or a numeric column with a blank level."""

    owner: ClassVar[str] = "TabularConfig"
    n_classes: int = at_least(1, default=2)
    d: int = at_least(1, "columns", default=2)
    n_bins: int = at_least(2, "levels per column at most", default=16)
    layers: int = at_least(1, default=2)
    width: int = at_least(1, "divisible by heads", default=32)
    heads: int = at_least(1, "dividing width", default=4)
    mlp_ratio: int = at_least(1, "MLP width over width", default=4)
    levels: tuple[int, ...] = at_least(1, "levels of each column", may_be_empty=True, default=())

    def limits(self):
        heads_divide_width(self, self.width, self.heads)
        if self.levels and len(self.levels) != self.d:
            self.fail("levels", f"must be empty or d = {self.d} counts")

    @property
    def vocab(self) -> int:
        """Class tokens, then level tokens (shared by the columns; position t is column t): as many
        as the column with the most levels has, and at least n_bins. That cost is every position's:
        embedding and head hold vocab x width weights, and a batch's logits b x d x vocab floats, so
        one categorical column with 10 000 codes makes each of the d softmaxes 10 000 wide (b = 128,
        d = 50: 256 MB of float32 logits per step, their gradient as much again)."""
        return self.n_classes + max((self.n_bins, *self.levels))

    @property
    def length(self) -> int:
        """Tokens in one serialised row."""
        return 1 + self.d


def encode(x_nd, y_n, book: Codebook, config: TabularConfig):
    """Rows and classes -> tokens_nt = [class, level 1, ..., level d]."""
    level_nd = config.n_classes + encode_levels(x_nd, book)
    return jnp.concatenate([jnp.asarray(y_n)[:, None], level_nd], axis=1).astype(jnp.int32)


def decode(tokens_nt, book: Codebook, config: TabularConfig, decoding: str = "uniform", *, key):
    """tokens_nt -> x_nd (float64), each level decoded by `decoding` (models/table_tokens.py)."""
    level_nd = np.asarray(tokens_nt)[:, 1:] - config.n_classes
    return decode_levels(level_nd, book, decoding, key=key)


def valid_tv(config: TabularConfig):
    """valid_tv[t - 1, v]: may token v sit at position t? Only the levels of column t."""
    levels_t = jnp.asarray(config.levels or (config.n_bins,) * config.d)
    token_v = jnp.arange(config.vocab)
    return (token_v[None, :] >= config.n_classes) & (token_v[None, :] < config.n_classes + levels_t[:, None])


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

    def hidden(self, tokens_bt):
        """tokens_bt -> h_btw, the normalised output of the last block (the head's input)."""
        t = tokens_bt.shape[1]
        h_btw = self.embed(tokens_bt) + self.position_tw[...][None, :t]
        for block in self.blocks:
            h_btw = block(h_btw)
        return self.norm_out(h_btw)

    def __call__(self, tokens_bt):
        t = tokens_bt.shape[1]
        logits_btv = self.head(self.hidden(tokens_bt))
        return jnp.where(valid_tv(self.config)[None, :t], logits_btv, jnp.finfo(logits_btv.dtype).min)


def row_loss(graphdef, params, tokens_bt, read_bt=None):
    """Each row's mean next-token cross-entropy over its level tokens, in nats: (b,). The model reads
    read_bt (a corrupted copy in training; None: tokens_bt itself) and predicts tokens_bt."""
    read_bt = tokens_bt if read_bt is None else read_bt
    logits_btv = nnx.merge(graphdef, params)(read_bt[:, :-1])
    return optax.softmax_cross_entropy_with_integer_labels(logits_btv, tokens_bt[:, 1:]).mean(axis=1)


def token_loss(graphdef, params, tokens_bt, read_bt=None):
    """Mean next-token cross-entropy over the level tokens, in nats (every row has as many)."""
    return row_loss(graphdef, params, tokens_bt, read_bt).mean()


def corrupted(tokens_bt, levels_t, n_classes: int, corrupt, *, key):
    """tokens_bt with each level token, with probability corrupt, replaced by a level of its column
    drawn uniformly (levels_t: each column's level count); the class token is kept."""
    key_which, key_level = jax.random.split(key)
    shape = (tokens_bt.shape[0], tokens_bt.shape[1] - 1)
    level_bt = n_classes + jnp.floor(jax.random.uniform(key_level, shape) * levels_t[None, :]).astype(tokens_bt.dtype)
    which_bt = jax.random.bernoulli(key_which, corrupt, shape)
    return tokens_bt.at[:, 1:].set(jnp.where(which_bt, level_bt, tokens_bt[:, 1:]))


jitted_row_loss = jax.jit(row_loss, static_argnums=0)
LOGITS_PER_CALL = 2**26  # logits one held-out call holds at most (256 MB of float32)
BALANCES = ("classes", "rows")


def row_weights(y_n, balance: str) -> np.ndarray:
    """Each row's weight (summing to 1) in the training draws and in the held-out score: 1/n
    ("rows": the table as it is), or 1/(K n_c) for a row of class c, n_c rows, among K classes
    ("classes": each class weighs equally, so a 10% minority is half of every batch)."""
    if balance not in BALANCES:
        raise ValueError(f"balance = {balance!r}: unknown; allowed: {', '.join(BALANCES)}")
    y_n = np.asarray(y_n)
    if balance == "rows":
        return np.full(len(y_n), 1.0 / len(y_n))
    _, class_n, count_k = np.unique(y_n, return_inverse=True, return_counts=True)
    return 1.0 / (len(count_k) * count_k[class_n])


def rows_per_call(config: TabularConfig) -> int:
    """Rows whose logits (rows x length x vocab) fit in LOGITS_PER_CALL."""
    return max(1, LOGITS_PER_CALL // (config.length * config.vocab))


def heldout_loss(graphdef, params, tokens_ht, rows: int, weight_h=None) -> float:
    """The weighted mean of the row losses of tokens_ht (weight_h: row weights, normalised here;
    None: equal, i.e. token_loss), scored `rows` rows per call."""
    loss_h = np.concatenate([np.asarray(jitted_row_loss(graphdef, params, tokens_ht[i:i + rows]), np.float64)
                             for i in range(0, len(tokens_ht), rows)])
    return float(np.average(loss_h, weights=weight_h))


def drawn_rows(cum_n, b: int, *, key):
    """b row indices drawn with replacement, row r with probability weight_r / sum(weight), where
    cum_n holds the weights' cumulative sums (inverse-CDF sampling)."""
    u_b = jax.random.uniform(key, (b,), cum_n.dtype) * cum_n[-1]
    return jnp.minimum(jnp.searchsorted(cum_n, u_b, side="right"), cum_n.shape[0] - 1)


@partial(jax.jit, static_argnames=("graphdef", "train", "n_steps", "n_classes"))
def train_block(graphdef, params, opt_state, tokens_nt, cum_n, levels_t, corrupt, i, *, key, train: TrainConfig,
                n_steps: int, n_classes: int):
    """Block i: n_steps AdamW steps, each on train.batch rows drawn with replacement, row r with
    probability proportional to its weight, cum_n being the weights' cumulative sums, read through
    corrupted(..., corrupt) (keys from fold_in(key, i)). Returns params,
    opt_state, loss_s. (Seeds vmapped through it train no faster on CPU: 3 seeds at about the same
    time per seed, 10 seeds at twice it.)"""
    tx = optimizer(train)

    def step(carry, key_step):
        params, opt_state = carry
        key_rows, key_noise = jax.random.split(key_step)
        tokens_bt = tokens_nt[drawn_rows(cum_n, train.batch, key=key_rows)]
        read_bt = corrupted(tokens_bt, levels_t, n_classes, corrupt, key=key_noise)
        loss, grads = jax.value_and_grad(token_loss, argnums=1)(graphdef, params, tokens_bt, read_bt)
        updates, opt_state = tx.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state), loss

    key_s = jax.random.split(jax.random.fold_in(key, i), n_steps)
    (params, opt_state), loss_s = jax.lax.scan(step, (params, opt_state), key_s)
    return params, opt_state, loss_s


class TabularFit(NamedTuple):
    """A trained TabularTransformer, its codebook, its training losses (one per step) and its
    held-out losses (one per block of steps; empty without held-out rows)."""

    model: TabularTransformer
    book: Codebook
    loss_s: np.ndarray
    holdout_loss_b: np.ndarray


def train_tabular(x_nd, y_n, config: TabularConfig, train: TrainConfig, *, key, holdout=None,
                  categorical_d=None, balance: str = "rows", corrupt: float = 0.0) -> TabularFit:
    """Fit the codebook on x_nd (categorical_d: (d,) bool, None for none; config.levels is set from
    it), then train a fresh TabularTransformer on the rows of every class, drawn by row_weights(y_n,
    balance) and read through corrupted(..., corrupt) (0: as they are). holdout = (x_hd, y_h) is
    scored after each block by its row losses weighted by row_weights(y_h, balance), and the model
    returned is the one after the block with the lowest score. Every call with the same config,
    train and row count reuses one compiled block."""
    book = fit_codebook(np.asarray(x_nd, np.float64), config.n_bins, categorical_d)
    config = dataclasses.replace(config, levels=tuple(int(k) for k in book.levels_d))
    tokens_nt = encode(jnp.asarray(x_nd), y_n, book, config)
    cum_n = jnp.asarray(np.cumsum(row_weights(y_n, balance)), jnp.float32)
    levels_t = jnp.asarray(config.levels, jnp.int32)
    graphdef = graph_of(lambda: TabularTransformer(config, rngs=nnx.Rngs(0)))
    params, opt_state, key_data = init_state(key=key, model=TabularTransformer, config=config, train=train)
    holdout_tokens_ht = None if holdout is None else encode(jnp.asarray(holdout[0]), holdout[1], book, config)
    weight_h = None if holdout is None else row_weights(holdout[1], balance)
    holdout_loss_b, best = [], {}

    def run(p, o, i, n):
        p, o, loss_s = train_block(graphdef, p, o, tokens_nt, cum_n, levels_t, corrupt, i, key=key_data, train=train,
                                   n_steps=n, n_classes=config.n_classes)
        if holdout_tokens_ht is not None:
            holdout_loss_b.append(heldout_loss(graphdef, p, holdout_tokens_ht, rows_per_call(config), weight_h))
            if holdout_loss_b[-1] <= min(holdout_loss_b):
                best["params"] = p
        return p, o, loss_s

    params, loss_s = train_in_blocks(run, params, opt_state, train)
    return TabularFit(nnx.merge(graphdef, best.get("params", params)), book, loss_s, np.asarray(holdout_loss_b))


@partial(jax.jit, static_argnames=("graphdef", "n_new"))
def sample_tokens(graphdef, state, label, n_new: int, *, key, temperature):
    """n_new rows of tokens_nt starting with class token `label`, each next token drawn from
    softmax(logits / temperature) over the tokens valid at its position (the head applied at that
    position only: n_new x vocab logits per step)."""
    model = nnx.merge(graphdef, state)
    tokens_nt = jnp.zeros((n_new, model.config.length), jnp.int32).at[:, 0].set(label)
    mask_tv = valid_tv(model.config)

    def draw_next(t, tokens_nt):
        logits_nv = model.head(jnp.take(model.hidden(tokens_nt[:, :-1]), t - 1, axis=1))
        logits_nv = jnp.where(jnp.take(mask_tv, t - 1, axis=0)[None, :], logits_nv, jnp.finfo(logits_nv.dtype).min)
        token_n = jax.random.categorical(jax.random.fold_in(key, t), logits_nv / temperature)
        return tokens_nt.at[:, t].set(token_n)

    return jax.lax.fori_loop(1, model.config.length, draw_next, tokens_nt)


def generate(x_min_nd, n_new: int, *, key, fit: TabularFit, label: int = 0, temperature=1.0,
             decoding: str = "uniform") -> Synthetic:
    """n_new rows sampled conditionally on class `label` and decoded by `decoding`; x_min_nd is not
    used (the model was trained on every class). parents_nk has k = 0."""
    del x_min_nd
    key_tokens, key_decode = jax.random.split(key)
    graphdef, state = nnx.split(fit.model)
    tokens_nt = sample_tokens(graphdef, state, label, n_new, key=key_tokens, temperature=temperature)
    x_nd = decode(tokens_nt, fit.book, fit.model.config, decoding, key=key_decode)
    return Synthetic(x_nd, jnp.zeros((n_new, 0), jnp.int32))
