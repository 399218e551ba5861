"""Issue 21, item 1: the transformer's class-balanced training draws, its corrupted inputs, their
options and the checkpoint name (tiny models, so each test stays short), and one slow check of the
defaults on the issue's table."""

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from synthlaw.models import tabular_transformer as tt
from synthlaw.models.table_tokens import fit_codebook
from synthlaw.models.table_transformer import TransformerOptions, checkpoint_name
from synthlaw.settings import ConfigError

TINY = TransformerOptions.from_kwargs(layers=1, width=16, heads=2, steps=20, batch=64, n_bins=8, holdout=0.2,
                                      check_every=10)


def imbalanced_labels(n=1000, minority=0.1):
    return (np.arange(n) < int(minority * n)).astype(np.int64)


@pytest.mark.parametrize("field, value, allowed", [("balance", "class", "one of classes, rows"),
                                                   ("corrupt", 1.5, r"in \[0, 1\]")])
def test_a_bad_option_is_one_config_error_naming_what_is_allowed(field, value, allowed):
    with pytest.raises(ConfigError, match=rf"transformer\.{field} = .*{allowed}"):
        TransformerOptions.from_kwargs(**{field: value})


def test_balanced_draws_take_each_class_about_equally():
    """10% minority, 20 000 draws: with balance "classes" the minority's share is 1/2 and with "rows"
    1/10, each within 4 binomial standard deviations (sqrt(p (1 - p) / 20 000): 0.0035 and 0.0021)."""
    y_n = imbalanced_labels()
    draws = 20_000
    for balance, p in (("classes", 0.5), ("rows", 0.1)):
        cum_n = jnp.asarray(np.cumsum(tt.row_weights(y_n, balance)), jnp.float32)
        rows_b = np.asarray(tt.drawn_rows(cum_n, draws, key=jax.random.key(0)))
        assert rows_b.min() >= 0 and rows_b.max() < len(y_n)
        share = y_n[rows_b].mean()
        assert abs(share - p) < 4 * np.sqrt(p * (1 - p) / draws), (balance, share)


def test_row_weights_are_one_over_k_times_the_class_count():
    y_n = np.array([0, 0, 0, 1, 2, 2])
    np.testing.assert_allclose(tt.row_weights(y_n, "classes"), [1 / 9, 1 / 9, 1 / 9, 1 / 3, 1 / 6, 1 / 6])
    np.testing.assert_allclose(tt.row_weights(y_n, "rows"), np.full(6, 1 / 6))
    with pytest.raises(ValueError, match="balance = 'x': unknown; allowed: classes, rows"):
        tt.row_weights(y_n, "x")


def test_corruption_keeps_the_class_and_replaces_the_asked_share_within_each_column():
    """corrupt = 0 reads the rows as they are; corrupt = c replaces a level with a uniform level of
    its column, so a token changes with probability c (1 - 1/L) (L levels): within 4 binomial
    standard deviations over 50 000 tokens per column."""
    n_classes, levels_t = 2, jnp.array([3, 8])
    rng = np.random.default_rng(0)
    b = 50_000
    tokens_bt = jnp.asarray(np.column_stack([rng.integers(0, 2, b), n_classes + rng.integers(0, 3, b),
                                             n_classes + rng.integers(0, 8, b)]), jnp.int32)
    same = tt.corrupted(tokens_bt, levels_t, n_classes, 0.0, key=jax.random.key(0))
    np.testing.assert_array_equal(np.asarray(same), np.asarray(tokens_bt))
    c = 0.6
    read_bt = np.asarray(tt.corrupted(tokens_bt, levels_t, n_classes, c, key=jax.random.key(1)))
    np.testing.assert_array_equal(read_bt[:, 0], np.asarray(tokens_bt[:, 0]))
    for j, levels in enumerate((3, 8)):
        level_b = read_bt[:, 1 + j] - n_classes
        assert level_b.min() == 0 and level_b.max() == levels - 1
        p = c * (1 - 1 / levels)
        changed = np.mean(read_bt[:, 1 + j] != np.asarray(tokens_bt[:, 1 + j]))
        assert abs(changed - p) < 4 * np.sqrt(p * (1 - p) / b), (j, changed)


def test_the_class_balanced_held_out_loss_is_the_mean_of_the_classes_losses():
    """weights row_weights(y, "classes") give (loss of class 0 + loss of class 1) / 2 (float32 means:
    relative 1e-5), on an untrained model with a random head (so rows' losses differ)."""
    rng = np.random.default_rng(1)
    x_nd, y_n = rng.normal(size=(120, 3)), imbalanced_labels(120, 0.25)
    book = fit_codebook(x_nd, 8)
    config = tt.TabularConfig(d=3, n_bins=8, layers=1, width=16, heads=2, levels=tuple(int(k) for k in book.levels_d))
    model = tt.TabularTransformer(config, rngs=nnx.Rngs(0))
    model.head.kernel[...] = jax.random.normal(jax.random.key(2), model.head.kernel[...].shape)
    tokens_nt = tt.encode(jnp.asarray(x_nd), y_n, book, config)
    graphdef, params = nnx.split(model)
    token_loss = jax.jit(tt.token_loss, static_argnums=0)  # one compile, not one per operation
    per_class = [float(token_loss(graphdef, params, tokens_nt[y_n == c])) for c in (0, 1)]
    assert abs(per_class[0] - per_class[1]) > 1e-3  # the weighting is visible
    balanced = tt.heldout_loss(graphdef, params, tokens_nt, 50, tt.row_weights(y_n, "classes"))
    np.testing.assert_allclose(balanced, np.mean(per_class), rtol=1e-5)


@pytest.mark.parametrize("change", [{"balance": "rows"}, {"balance": "classes"}, {"corrupt": 0.25},
                                    {"corrupt": 0.0}, {"check_every": 7}])
def test_the_checkpoint_name_changes_with_each_new_training_option(change):
    x_nd, y_n = np.zeros((10, 2)), imbalanced_labels(10, 0.3)
    base = TINY.with_overrides({"balance": "classes" if change.get("balance") == "rows" else "rows",
                                "corrupt": 0.5, "check_every": 10})
    names = {checkpoint_name(x_nd, y_n, options, key=jax.random.key(0))
             for options in (base, base.with_overrides(change))}
    assert len(names) == 2


@pytest.mark.slow
def test_defaults_on_the_issue_table_give_plausible_minority_rows():
    """make_classification(600, weights [0.9, 0.1], random_state=0), 70/30 split: at the defaults the
    minority rows' plausibility is not poor (tables/plausibility.py) and nothing warns; the defaults of
    before issue 21 gave 16-22% of its rows classed as minority against 83% of real ones (poor)."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    from synthlaw.samplers import TransformerOversampler

    x_nd, y_n = make_classification(n_samples=600, weights=[0.9, 0.1], random_state=0)
    x_train, _, y_train, _ = train_test_split(x_nd, y_n, test_size=0.3, stratify=y_n, random_state=0)
    sampler = TransformerOversampler(random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sampler.fit_resample(x_train, y_train)
    share = sampler.plausibility_[1]
    assert not share.poor, share.line("TransformerOversampler")
    assert not [w for w in caught if "look unlike their class" in str(w.message)]
