"""fit_table_generator's "transformer" method: valid values, class-conditional rows, checkpoint
reuse and option errors (a tiny model, so the default run stays short)."""

import time

import jax
import numpy as np
import pytest

from synthlaw.models import table_transformer
from synthlaw.models.registry import UnknownGenerator
from synthlaw.models.table_tokens import fit_codebook
from synthlaw.settings import ConfigError
from synthlaw.tables.generators import METHODS, fit_table_generator, method_named

TINY = dict(layers=1, width=16, heads=2, steps=300, batch=64, learning_rate=1e-2, n_bins=8)
N_PER_CLASS = 300
TRANSFORMER = METHODS["transformer"]
SHIFT = 2.0


def mixed_table(seed=0):
    """Columns: binary 0/1, {-1, 1}, Gaussian rounded to one decimal (mean SHIFT * y), continuous."""
    rng = np.random.default_rng(seed)
    y_n = np.repeat([0, 1], N_PER_CLASS)
    n = len(y_n)
    x_nd = np.stack([rng.integers(0, 2, n), rng.choice([-1.0, 1.0], n),
                     np.round(rng.normal(SHIFT * y_n, 1.0), 1), rng.exponential(1.0, n)], axis=1).astype(float)
    return x_nd, y_n


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    return tmp_path_factory.mktemp("checkpoints")


@pytest.fixture(scope="module")
def fitted(checkpoints):
    x_nd, y_n = mixed_table()
    return x_nd, y_n, fit_table_generator(TRANSFORMER, x_nd, y_n, key=jax.random.key(0), checkpoint_dir=checkpoints,
                                          **TINY)


def test_codebook_gives_few_valued_columns_one_level_per_value():
    x_nd, _ = mixed_table()
    book = fit_codebook(x_nd, 8)
    np.testing.assert_array_equal(book.levels_d[:2], [2, 2])
    assert book.levels_d[3] <= 8 and np.all(book.count_dk[3, :book.levels_d[3]] > 0)
    np.testing.assert_array_equal(book.lo_dk[1, :2], [-1.0, 1.0])


def test_samples_have_the_shape_and_only_values_of_the_table(fitted):
    x_nd, _, gen = fitted
    rows_nd = gen.sample(1, 700, key=jax.random.key(1))
    assert rows_nd.shape == (700, 4) and rows_nd.dtype == np.float64
    assert set(np.unique(rows_nd[:, 0])) <= {0.0, 1.0}
    assert set(np.unique(rows_nd[:, 1])) <= {-1.0, 1.0}
    np.testing.assert_array_equal(rows_nd[:, 2], np.round(rows_nd[:, 2], 1))
    for j in range(4):  # empirical decoding: every value is one of the training values
        assert np.all(np.isin(rows_nd[:, j], x_nd[:, j]))
    assert gen.sample(0, 0, key=jax.random.key(1)).shape == (0, 4)


def test_uniform_decoding_stays_inside_the_training_range(fitted, checkpoints):
    """The same training (loaded: sampling options are not part of the checkpoint's hash)."""
    x_nd, y_n, _ = fitted
    gen = fit_table_generator(TRANSFORMER, x_nd, y_n, key=jax.random.key(0), checkpoint_dir=checkpoints,
                              decoding="uniform", **TINY)
    assert len(list(checkpoints.iterdir())) == 1
    rows_nd = gen.sample(0, 500, key=jax.random.key(2))
    assert set(np.unique(rows_nd[:, 1])) <= {-1.0, 1.0}
    assert np.all((rows_nd >= x_nd.min(axis=0)) & (rows_nd <= x_nd.max(axis=0)))


def test_rows_follow_their_label(fitted):
    """Column 2 has mean SHIFT * y. The sample mean of n rows differs from the class's training mean
    by the model's error plus sampling noise sd / sqrt(n); 4 standard errors of the two means
    (training and sample) bound the noise, and SHIFT / 4 allows for the model's error (bins of
    pooled values, a tiny model): a generator that ignored the label would be off by SHIFT / 2."""
    x_nd, y_n, gen = fitted
    n = 2000
    for label in (0, 1):
        col_n = gen.sample(label, n, key=jax.random.key(3 + label))[:, 2]
        real_n = x_nd[y_n == label, 2]
        se = np.sqrt(real_n.var() / len(real_n) + col_n.var() / n)
        assert abs(col_n.mean() - real_n.mean()) < 4 * se + SHIFT / 4
    assert gen.loss_s.shape == (TINY["steps"],) and gen.loss_s[-50:].mean() < gen.loss_s[0]
    assert gen.holdout_loss_b.shape == (TINY["steps"] // 20,)  # one per check_every = 20 steps


def test_checkpoint_is_reused(tmp_path, monkeypatch):
    """The second call loads the file: training is replaced by an error, and the samples match."""
    x_nd, y_n = mixed_table(1)

    def fit():
        return fit_table_generator(TRANSFORMER, x_nd, y_n, key=jax.random.key(5), checkpoint_dir=tmp_path, **TINY)

    first = fit()
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.startswith("transformer-") and files[0].suffix == ".npz"
    with monkeypatch.context() as patch:
        patch.setattr(table_transformer, "train_on_rows", lambda *a, **k: pytest.fail("trained again"))
        start = time.perf_counter()
        second = fit()
        load_s = time.perf_counter() - start
    np.testing.assert_array_equal(first.loss_s, second.loss_s)
    key = jax.random.key(6)
    np.testing.assert_array_equal(first.sample(1, 64, key=key), second.sample(1, 64, key=key))
    assert list(tmp_path.iterdir()) == files
    other = fit_table_generator(TRANSFORMER, x_nd, y_n, key=jax.random.key(7), checkpoint_dir=tmp_path, **TINY)
    assert len(list(tmp_path.iterdir())) == 2 and not np.array_equal(other.loss_s, first.loss_s)
    print(f"second call (load) {load_s:.2f} s")


@pytest.mark.parametrize("options, match", [
    (dict(steps=0), r"^transformer\.steps = 0: must be an integer, >= 1"),
    (dict(width=30, heads=4), r"^transformer\.heads = 4: must divide width = 30$"),
    (dict(temperature=-1.0), r"^transformer\.temperature = -1\.0: must be a number, > 0"),
    (dict(decoding="nearest"), r"^transformer\.decoding = 'nearest': must be a string, one of empirical, uniform$"),
    (dict(holdout=0.7), r"^transformer\.holdout = 0\.7: must be a number, in \[0, 0\.5\)"),
    (dict(n_bins=1), r"^transformer\.n_bins = 1: must be an integer, >= 2"),
    (dict(depth=3), r"^transformer\.depth: unknown field; allowed: balance, batch, check_every, corrupt, decoding"),
])
def test_bad_options_are_named(options, match):
    x_nd, y_n = mixed_table()
    with pytest.raises(ConfigError, match=match):
        fit_table_generator(TRANSFORMER, x_nd, y_n, key=jax.random.key(0), **options)


def test_unknown_label_and_options_of_untrained_methods_are_errors(fitted):
    _, _, gen = fitted
    with pytest.raises(ValueError, match="label = 2: not among the fitted labels 0, 1"):
        gen.sample(2, 10, key=jax.random.key(0))
    x_nd, y_n = mixed_table()
    with pytest.raises(ValueError, match="'smote': takes no options; got steps"):
        fit_table_generator(METHODS["smote"], x_nd, y_n, key=jax.random.key(0), steps=10)
    with pytest.raises(UnknownGenerator, match="method = 'gan': unknown; allowed: ros, smote, plugin, adasyn, trans"):
        method_named("gan")
