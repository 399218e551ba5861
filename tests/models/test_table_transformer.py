"""The transformer on mixed rows (codes representation): a token per code, a level for blanks, the
checkpoint hash, and numeric tables unchanged (a tiny model, so each test stays short)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from synthlaw.models import tabular_transformer as tt
from synthlaw.models.table_tokens import decode_levels, encode_levels, fit_codebook
from synthlaw.models.table_transformer import (
    TransformerOptions,
    checkpoint_name,
    fit_transformer,
    load_fit,
    sample_rows,
    save_fit,
)

TINY = TransformerOptions.from_kwargs(layers=1, width=16, heads=2, steps=50, batch=64, learning_rate=1e-2,
                                      n_bins=8, holdout=0)
N_PER_CLASS = 200
BLANK_SHARE = (0.1, 0.5)  # of column 1, per class
CATEGORICAL_D = np.array([True, False, True])


def mixed_table(seed=0):
    """Column 0: 12 codes (class 0 holds 0 .. 5, class 1 holds 6 .. 11); column 1: N(2 y, 1) with a
    blank share BLANK_SHARE[y]; column 2: codes 0 and 2 of three (code 1 is never held)."""
    rng = np.random.default_rng(seed)
    y_n = np.repeat([0, 1], N_PER_CLASS)
    n = len(y_n)
    numeric_n = rng.normal(2.0 * y_n, 1.0)
    numeric_n[rng.random(n) < np.asarray(BLANK_SHARE)[y_n]] = np.nan
    x_nd = np.column_stack([np.where(y_n == 0, rng.integers(0, 6, n), rng.integers(6, 12, n)), numeric_n,
                            rng.choice([0, 2], n)]).astype(float)
    return x_nd, y_n


@pytest.fixture(scope="module")
def fitted():
    x_nd, y_n = mixed_table()
    return x_nd, y_n, fit_transformer(x_nd, y_n, TINY, key=jax.random.key(0), categorical_d=CATEGORICAL_D)


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("decoding", ["empirical", "uniform"])
def test_a_categorical_column_keeps_every_code_past_n_bins(decoding, jit):
    """30 codes with n_bins = 8: 30 levels, level k is code k; codes {0, 2, 5}: three levels. Every
    level decodes to its code exactly."""
    codes_n = np.arange(300.0) % 30
    x_nd = np.column_stack([codes_n, np.asarray([0.0, 2.0, 5.0])[np.arange(300) % 3]])
    book = fit_codebook(x_nd, 8, np.array([True, True]))
    np.testing.assert_array_equal(book.levels_d, [30, 3])
    encode = jax.jit(encode_levels) if jit else encode_levels
    level_nd = np.asarray(encode(jnp.asarray(x_nd), book))
    np.testing.assert_array_equal(level_nd[:, 0], codes_n)
    np.testing.assert_array_equal(level_nd[:, 1], np.arange(300) % 3)
    np.testing.assert_array_equal(decode_levels(level_nd, book, decoding, key=jax.random.key(0)), x_nd)


@pytest.mark.parametrize("decoding", ["empirical", "uniform"])
def test_a_numeric_blank_is_one_more_level_that_decodes_to_nan(decoding):
    """The seen values keep the quantile levels of np.quantile on them alone (8 bins); the blanks
    take level 8, and decode back to NaN, the seen values to their bins."""
    rng = np.random.default_rng(1)
    x_n = rng.normal(size=400)
    x_n[rng.random(400) < 0.2] = np.nan
    seen_m = x_n[~np.isnan(x_n)]
    book = fit_codebook(x_n[:, None], 8)
    assert book.levels_d[0] == 9 and book.blank_level_d[0] == 8 and book.count_dk[0, 8] == np.isnan(x_n).sum()
    edges_k = np.concatenate([book.lo_dk[0, :1], book.hi_dk[0, :8]])
    np.testing.assert_allclose(edges_k, np.quantile(seen_m, np.linspace(0, 1, 9)), rtol=1e-12)
    level_n = np.asarray(encode_levels(jnp.asarray(x_n[:, None]), book))[:, 0]
    np.testing.assert_array_equal(level_n == 8, np.isnan(x_n))
    back_n = decode_levels(level_n[:, None], book, decoding, key=jax.random.key(2))[:, 0]
    np.testing.assert_array_equal(np.isnan(back_n), np.isnan(x_n))
    seen_n = ~np.isnan(x_n)
    level_m, back_m = level_n[seen_n], back_n[seen_n]
    assert np.all((book.lo_dk[0, level_m] <= back_m) & (back_m <= book.hi_dk[0, level_m]))


def test_the_vocab_is_the_largest_column_and_at_least_n_bins():
    assert tt.TabularConfig(d=2, n_bins=8, levels=(30, 3)).vocab == 2 + 30
    assert tt.TabularConfig(d=2, n_bins=8, levels=(5, 3)).vocab == 2 + 8
    assert tt.TabularConfig(d=2, n_bins=8).vocab == 2 + 8


def test_samples_hold_only_codes_of_their_column_and_follow_their_label(fitted):
    """Column 0's codes are 0 .. 5 in class 0 and 6 .. 11 in class 1, and column 1's blank share is
    BLANK_SHARE[y]. A sample share differs from the training share by sampling noise (4 standard
    errors of the two binomial shares bound it) plus the model's error, allowed a quarter of the gap
    between the classes (a label-blind model would be off by half of it)."""
    x_nd, y_n, fit = fitted
    assert fit.model.config.levels == (12, 9, 2)
    n = 2000
    for label in (0, 1):
        rows_nd = sample_rows(fit, TINY, label, n, key=jax.random.key(1 + label))
        assert rows_nd.shape == (n, 3) and rows_nd.dtype == np.float64
        assert set(np.unique(rows_nd[:, 0])) <= set(range(12)) and set(np.unique(rows_nd[:, 2])) <= {0.0, 2.0}
        real_nd = x_nd[y_n == label]
        for column, real_n, new_n, gap in ((0, real_nd[:, 0] >= 6, rows_nd[:, 0] >= 6, 1.0),
                                           (1, np.isnan(real_nd[:, 1]), np.isnan(rows_nd[:, 1]),
                                            BLANK_SHARE[1] - BLANK_SHARE[0])):
            p = real_n.mean()
            se = np.sqrt(max(p * (1 - p), 1 / n) * (1 / len(real_n) + 1 / n))
            assert abs(new_n.mean() - p) < 4 * se + gap / 4, (label, column)


def test_a_mixed_fit_is_saved_and_loaded_whole(fitted, tmp_path):
    _, _, fit = fitted
    save_fit(tmp_path / "fit.npz", fit)
    loaded = load_fit(tmp_path / "fit.npz")
    np.testing.assert_array_equal(loaded.book.blank_level_d, fit.book.blank_level_d)
    key = jax.random.key(7)
    np.testing.assert_array_equal(sample_rows(loaded, TINY, 1, 64, key=key), sample_rows(fit, TINY, 1, 64, key=key))


def test_the_checkpoint_hash_covers_the_categorical_columns():
    x_nd, y_n = mixed_table()
    key = jax.random.key(0)
    name = checkpoint_name(x_nd, y_n, TINY, key=key, categorical_d=CATEGORICAL_D)
    assert name != checkpoint_name(x_nd, y_n, TINY, key=key, categorical_d=np.array([True, False, False]))
    assert (checkpoint_name(x_nd, y_n, TINY, key=key)
            == checkpoint_name(x_nd, y_n, TINY, key=key, categorical_d=np.zeros(3, bool)) != name)


def test_a_numeric_table_trains_and_samples_as_without_categorical_columns():
    """categorical_d None and all False give bit-identical losses and samples, with today's vocab
    (n_classes + n_bins): no level is added to a numeric table without blanks."""
    rng = np.random.default_rng(3)
    x_nd = np.column_stack([rng.normal(size=300), rng.choice([-1.0, 1.0], 300), rng.integers(0, 5, 300)])
    y_n = (rng.random(300) < 0.3).astype(np.int64)
    fits = [fit_transformer(x_nd, y_n, TINY, key=jax.random.key(4), categorical_d=c)
            for c in (None, np.zeros(3, bool))]
    assert fits[0].model.config.vocab == 2 + TINY.n_bins
    np.testing.assert_array_equal(fits[0].loss_s, fits[1].loss_s)
    key = jax.random.key(5)
    np.testing.assert_array_equal(sample_rows(fits[0], TINY, 1, 300, key=key),
                                  sample_rows(fits[1], TINY, 1, 300, key=key))



def test_the_held_out_loss_in_calls_of_few_rows_is_the_loss_in_one(fitted):
    """400 rows, 150 per call (150, 150, 100), and 400 in one call, against token_loss over all rows:
    equal up to float32 rounding of the means (relative 1e-5 covers a few ulps of the sums)."""
    x_nd, y_n, fit = fitted
    tokens_nt = tt.encode(jnp.asarray(x_nd), y_n, fit.book, fit.model.config)
    graphdef, params = nnx.split(fit.model)
    token_loss = jax.jit(tt.token_loss, static_argnums=0)  # one compile, not one per operation
    whole = float(token_loss(graphdef, params, tokens_nt))
    np.testing.assert_allclose(tt.heldout_loss(graphdef, params, tokens_nt, 150), whole, rtol=1e-5)
    np.testing.assert_allclose(tt.heldout_loss(graphdef, params, tokens_nt, 400), whole, rtol=1e-5)
    assert tt.rows_per_call(fit.model.config) == tt.LOGITS_PER_CALL // (4 * 14)
