import jax
import jax.numpy as jnp
import numpy as np
import pytest

from synthlaw.settings import ConfigError
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import padding_mask, points_per_call, run_sweep, seeds_per_call
from synthlaw.theory.claims import registry
from synthlaw.theory.experiments import oversampling

OPTIONS = SweepOptions()


def noisy(point, *, key):
    return {"value": jax.random.normal(key) + point["m"], "pair": jnp.stack([point["m"], 2 * point["m"]])}


def sweep(replicate, **kwargs):
    return run_sweep(replicate, **{"options": OPTIONS, "name": "test", **kwargs})


def test_a_sweep_traces_once_even_over_several_chunks_and_is_reused():
    def fresh(point, *, key):
        return noisy(point, key=key)

    grid = {"m": np.arange(5.0)}
    result = sweep(fresh, key=jax.random.key(0), n_seeds=7, grid=grid, chunk_size=10)
    assert result.n_traces == 1 and result.n_chunks_run == 4  # 2 seeds a call
    assert len(result.columns["value"]) == 35
    again = sweep(fresh, key=jax.random.key(5), n_seeds=7, grid=grid, chunk_size=10)
    assert again.n_traces == 0


def test_seeds_per_block_key_the_compiled_program_and_change_no_result():
    def fresh(point, *, key):
        return noisy(point, key=key)

    grid = {"m": np.arange(3.0)}
    one = sweep(fresh, key=jax.random.key(3), n_seeds=8, grid=grid)
    two = sweep(fresh, key=jax.random.key(3), n_seeds=8, grid=grid, options=SweepOptions(seed_block=2))
    assert one.n_traces == 1 and two.n_traces == 1  # another block size is another program
    for name in one.columns:
        np.testing.assert_allclose(one.columns[name], two.columns[name], rtol=0, atol=4 * np.finfo(np.float32).eps)


def test_two_measures_of_one_claim_config_trace_once_in_total(monkeypatch):
    """The experiments' replicate factories are memoised on their arguments, so a second measure of
    the same config reuses the compiled sweep (with another key, as calibrate's runs do)."""
    traces = []

    def counted(*args, **kwargs):
        result = run_sweep(*args, **kwargs)
        traces.append(result.n_traces)
        return result

    monkeypatch.setattr(oversampling, "run_sweep", counted)
    claim = registry()["IMB-1"]
    config = claim.config(True, {"n_min": 37, "seeds": 3, "separation": [1.5], "rho": [3.0]})  # traced nowhere else
    first = claim.measure(config, key=jax.random.key(0), options=OPTIONS)
    claim.measure(config, key=jax.random.key(1), options=OPTIONS)
    assert traces == [1, 0]
    np.testing.assert_array_equal(claim.measure(config, key=jax.random.key(0), options=OPTIONS)["excess"],
                                  first["excess"])


def test_options_are_validated():
    for field in ("memory_budget", "seed_block", "chunks"):
        with pytest.raises(ConfigError, match=rf"^sweep\.{field} = 0: must be an integer, >= 1"):
            SweepOptions(**{field: 0})
    with pytest.raises(ConfigError, match=r"^sweep\.checkpoint = 3: must be a folder"):
        SweepOptions(checkpoint=3)
    assert SweepOptions(checkpoint="runs/chunks").checkpoint.name == "chunks"


def test_chunking_does_not_change_results():
    grid = {"m": np.arange(3.0)}
    whole = sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, chunk_size=15).columns
    chunked = sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, chunk_size=2).columns
    by_point = sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, replicate_bytes=100,
                     options=SweepOptions(memory_budget=100)).columns  # one grid point a call
    for name in whole:  # seeds per call change nothing: each lax.map block has the same shape
        np.testing.assert_array_equal(whole[name], chunked[name])
        # points per call change the vmapped shape, and XLA may fuse the last add into an FMA
        np.testing.assert_allclose(whole[name], by_point[name], rtol=0, atol=4 * np.finfo(np.float32).eps)


def test_grid_points_of_one_seed_share_the_key_and_vector_outputs_become_columns():
    cols = sweep(noisy, key=jax.random.key(2), n_seeds=3, grid={"m": np.array([0.0, 10.0])}).columns
    np.testing.assert_array_equal(cols["seed"], [0, 0, 1, 1, 2, 2])
    noise = cols["value"] - cols["m"]
    np.testing.assert_allclose(noise[0::2], noise[1::2], atol=1e-5)
    assert len(np.unique(noise[0::2])) == 3
    np.testing.assert_array_equal(cols["pair_1"], 2 * cols["pair_0"])


def test_smaller_sizes_take_prefixes_of_the_largest_draw():
    """Common random numbers: a point's rows are the first n of the seed's rows at the largest n."""
    def prefix_sum(point, *, key):
        x_n = jax.random.normal(key, (8,))
        return {"total": (x_n * padding_mask(point["n"], 8)).sum(), "first": x_n[0]}

    cols = sweep(prefix_sum, key=jax.random.key(3), n_seeds=4, grid={"n": np.array([2, 5, 8])}).columns
    for seed in range(4):
        x_n = np.asarray(jax.random.normal(jax.random.fold_in(jax.random.key(3), seed), (8,)))
        rows = cols["seed"] == seed
        np.testing.assert_allclose(cols["total"][rows], [x_n[:2].sum(), x_n[:5].sum(), x_n.sum()], rtol=1e-6)


def test_padding_mask():
    np.testing.assert_array_equal(padding_mask(2, 4), [1, 1, 0, 0])


def test_call_sizes():
    assert seeds_per_call(100, 6, 1, None, OPTIONS) == 13  # an eighth of the seeds
    assert seeds_per_call(100, 6, 2, None, OPTIONS) == 14  # rounded up to a multiple of the 2 devices
    assert seeds_per_call(100, 6, 1, None, SweepOptions(chunks=4)) == 25  # a quarter
    assert seeds_per_call(100, 6, 2, None, SweepOptions(seed_block=4)) == 16  # a multiple of 2 devices x 4 seeds
    assert seeds_per_call(5, 3, 1, 1000, OPTIONS) == 5  # never more than the seeds
    assert seeds_per_call(5, 3, 1, 2, OPTIONS) == 1
    assert points_per_call(7, None, OPTIONS) == 7
    assert points_per_call(7, 300, SweepOptions(memory_budget=1000)) == 3
    assert points_per_call(7, 300, SweepOptions(memory_budget=1000, seed_block=2)) == 1  # 2 seeds' worth a point
    assert points_per_call(7, 5000, SweepOptions(memory_budget=1000)) == 1


def test_memory_budget_sets_the_points_of_a_call():
    def fresh(point, *, key):
        return noisy(point, key=key)

    result = sweep(fresh, key=jax.random.key(0), n_seeds=4, grid={"m": np.arange(3.0)}, replicate_bytes=300,
                   chunk_size=12, options=SweepOptions(memory_budget=1000))
    # 1000 // 300 = 3 points a call: all 3 points, 4 seeds in one call
    assert result.n_chunks_run == 1 and result.n_traces == 1
    result = sweep(fresh, key=jax.random.key(0), n_seeds=4, grid={"m": np.arange(3.0)}, replicate_bytes=300,
                   chunk_size=12, options=SweepOptions(memory_budget=500))
    # 1 point a call: 3 calls of 4 seeds, still one trace
    assert result.n_chunks_run == 3 and result.n_traces == 1
