"""Bucketed shapes (models/buckets.py): bounded waste, one compiled program per bucket, padding never drawn."""

import imblearn.over_sampling
import jax
import numpy as np
import pandas as pd
import pytest

from synthlaw import samplers
from synthlaw.models import adasyn, gaussian_generators, random_oversampling, smote, smote_nc
from synthlaw.models.buckets import MIN_BUCKET, bucket, padded, to_bucket
from synthlaw.models.synthetic import Synthetic


def test_buckets_cover_every_count_with_under_a_quarter_of_the_rows_wasted():
    n_n = np.arange(1, 20_001)
    bucket_n = np.array([bucket(int(n)) for n in n_n])
    assert (bucket_n >= n_n).all() and (np.diff(bucket_n) >= 0).all()
    above = n_n > MIN_BUCKET
    assert (bucket_n[above] < 1.25 * n_n[above]).all()
    # geometric: four sizes per doubling above MIN_BUCKET, plus MIN_BUCKET itself
    assert len(np.unique(bucket_n)) <= 4 * np.ceil(np.log2(20_000 / MIN_BUCKET)) + 1


def test_padded_appends_zero_rows():
    x = np.arange(6.0).reshape(3, 2)
    out = padded(x, 5)
    np.testing.assert_array_equal(out[:3], x)
    assert out.shape == (5, 2) and not out[3:].any()
    # 33 rows: the bucket above 32 is 40 (a multiple of 2^(6-3) = 8 in (32, 64])
    rows = to_bucket(np.ones((33, 2)))
    assert rows.shape == (40, 2) and rows[:33].all() and not rows[33:].any()


N_REAL, ROWS, N_NEW, K = 40, 64, 600, 5


def real_rows(d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(N_REAL, d)).astype(np.float32)


def padding_of(x_md, kind: str):
    """Padding rows after the real rows: 'copies' of real rows nudged by 1e-4 (each would be its
    copy's nearest neighbour, were padding not excluded) or 'huge' values (1e9) that would show in
    any new row built from them."""
    extra = ROWS - len(x_md)
    pad = x_md[:extra] + np.float32(1e-4) if kind == "copies" else np.full((extra, x_md.shape[1]), 1e9, x_md.dtype)
    return np.vstack([x_md, pad])


def numeric_generators(x, key):
    yield "smote", smote.generate(x, N_NEW, K, key=key, n_real=N_REAL)
    yield "ros", random_oversampling.generate(x, N_NEW, key=key, n_real=N_REAL)
    base_n = np.repeat(np.arange(N_REAL), N_NEW // N_REAL)
    yield "adasyn", adasyn.interpolate(x, padded(base_n, bucket(len(base_n))), K, key=key, n_real=N_REAL)
    cat_mq = np.asarray(x[:, :1] > 0, np.int32)
    num_np, _, parents_n2 = smote_nc.nc_generate(x, cat_mq, 1.0, N_NEW, K, key=key, n_real=N_REAL)
    yield "smote-nc", Synthetic(num_np, parents_n2)


@pytest.mark.parametrize("kind", ["copies", "huge"])
def test_padding_rows_are_never_a_base_or_a_partner(kind):
    x = padding_of(real_rows(), kind)
    for name, out in numeric_generators(x, jax.random.key(0)):
        parents = np.asarray(out.parents_nk)
        assert parents.max() < N_REAL, f"{name}: parent {parents.max()} is a padding row"
        # a new row lies in the box of its two real parents: no value near 1e9
        assert np.abs(np.asarray(out.x_nd)).max() < 100, name


def test_padding_rows_are_never_neighbours():
    x = padding_of(real_rows(), "copies")
    for near_mk in (smote.nearest_neighbours(x, K, N_REAL),
                    smote_nc.nc_neighbours(x, np.zeros((ROWS, 1), np.int32), np.arange(ROWS), 1.0, K, n_real=N_REAL)):
        assert np.asarray(near_mk).max() < N_REAL


def test_smote_n_draws_no_code_of_a_padding_row():
    cat_mq = np.random.default_rng(1).integers(0, 3, size=(N_REAL, 2)).astype(np.int32)
    profile_mqc = np.random.default_rng(2).random((N_REAL, 2, 2)).astype(np.float32)
    # padding: code 9, profiles equal to real rows' (so at distance 0 from them, were they not excluded)
    cat_pad = np.vstack([cat_mq, np.full((ROWS - N_REAL, 2), 9, np.int32)])
    profile_pad = np.concatenate([profile_mqc, profile_mqc[: ROWS - N_REAL]])
    out = smote_nc.generate_n(cat_pad, profile_pad, N_NEW, K, key=jax.random.key(0), n_real=N_REAL)
    assert np.asarray(out.x_nd).max() < 3 and np.asarray(out.parents_nk).max() < N_REAL


def test_plugin_ignores_huge_padding_rows():
    x = padding_of(real_rows(), "huge")
    out = gaussian_generators.generate_plugin(x, N_NEW, key=jax.random.key(0), n_real=N_REAL)
    assert np.abs(np.asarray(out.x_nd)).max() < 100  # N(0, 1)-like rows: 600 draws stay within 100


def numeric_table(n_minority: int):
    rng = np.random.default_rng(n_minority)
    x = np.vstack([rng.normal(0, 1, (400, 3)), rng.normal(1, 1, (n_minority, 3))])
    return x, np.repeat([0, 1], [400, n_minority])


def mixed_table(n_minority: int, all_categorical: bool = False):
    x, y = numeric_table(n_minority)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": pd.Categorical(np.where(x[:, 2] > 0.5, "hi", "lo"))})
    if all_categorical:
        frame = frame.assign(a=np.where(frame["a"] > 0, "p", "n"), b=np.where(frame["b"] > 0.5, "u", "v"))
    return frame, y


CASES = {  # sampler, its table, the jitted programs it runs, imblearn's sampler (its counts) or None (the targets)
    "SMOTE": (samplers.SMOTE, numeric_table, [smote.generate], imblearn.over_sampling.SMOTE),
    "RandomOverSampler": (samplers.RandomOverSampler, numeric_table, [random_oversampling.generate],
                          imblearn.over_sampling.RandomOverSampler),
    "ADASYN": (samplers.ADASYN, numeric_table, [adasyn.interpolate, smote_nc.nc_neighbours],
               imblearn.over_sampling.ADASYN),
    "GaussianPlugin": (samplers.GaussianPlugin, numeric_table, [gaussian_generators.generate_plugin], None),
    "SMOTENC": (samplers.SMOTENC, mixed_table, [smote_nc.nc_generate], None),
    "GaussianPlugin, mixed": (samplers.GaussianPlugin, mixed_table, [gaussian_generators.generate_plugin], None),
    "SMOTEN": (samplers.SMOTEN, lambda n: mixed_table(n, all_categorical=True), [smote_nc.generate_n], None),
}


@pytest.mark.parametrize("name", CASES)
def test_two_row_counts_in_one_bucket_share_one_compiled_program(name):
    sampler, make_table, programs, theirs = CASES[name]
    assert bucket(70) == bucket(75) and bucket(400 - 70) == bucket(400 - 75)  # the premise: one bucket
    sizes = []
    for n_minority in (70, 75):
        x, y = make_table(n_minority)
        _, y_res = sampler(random_state=0).fit_resample(x, y)
        expected = [400, 400] if theirs is None else np.bincount(theirs(random_state=0).fit_resample(x, y)[1])
        np.testing.assert_array_equal(np.bincount(y_res), expected)
        sizes.append([p._cache_size() for p in programs])
    # without buckets the second table's 75 rows (and 325 new rows) would add a program to each cache
    assert sizes[1] == sizes[0], f"{name}: compiled programs per function {sizes[0]} -> {sizes[1]}"
