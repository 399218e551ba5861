import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.sims.engine.sweep import padding_mask, points_per_call, run_sweep, seeds_per_call, sweep_settings


def noisy(key, point):
    return {"value": jax.random.normal(key) + point["m"], "pair": jnp.stack([point["m"], 2 * point["m"]])}


def test_a_sweep_traces_once_even_over_several_chunks_and_is_reused():
    def fresh(key, point):
        return noisy(key, point)

    grid = {"m": np.arange(5.0)}
    result = run_sweep(fresh, key=jax.random.key(0), n_seeds=7, grid=grid, chunk_size=10)
    assert result.n_traces == 1 and result.n_chunks_run == 4  # 2 seeds a call
    assert len(result.columns["value"]) == 35
    again = run_sweep(fresh, key=jax.random.key(5), n_seeds=7, grid=grid, chunk_size=10)
    assert again.n_traces == 0


def test_chunking_does_not_change_results():
    grid = {"m": np.arange(3.0)}
    whole = run_sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, chunk_size=15).columns
    chunked = run_sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, chunk_size=2).columns
    with sweep_settings(memory_budget=100):  # one grid point a call
        by_point = run_sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, replicate_bytes=100).columns
    for name in whole:  # seeds per call change nothing: each lax.map block has the same shape
        np.testing.assert_array_equal(whole[name], chunked[name])
        # points per call change the vmapped shape, and XLA may fuse the last add into an FMA
        np.testing.assert_allclose(whole[name], by_point[name], rtol=0, atol=4 * np.finfo(np.float32).eps)


def test_grid_points_of_one_seed_share_the_key_and_vector_outputs_become_columns():
    cols = run_sweep(noisy, key=jax.random.key(2), n_seeds=3, grid={"m": np.array([0.0, 10.0])}).columns
    np.testing.assert_array_equal(cols["seed"], [0, 0, 1, 1, 2, 2])
    noise = cols["value"] - cols["m"]
    np.testing.assert_allclose(noise[0::2], noise[1::2], atol=1e-5)
    assert len(np.unique(noise[0::2])) == 3
    np.testing.assert_array_equal(cols["pair_1"], 2 * cols["pair_0"])


def test_smaller_sizes_take_prefixes_of_the_largest_draw():
    """Common random numbers: a point's rows are the first n of the seed's rows at the largest n."""
    def prefix_sum(key, point):
        x_n = jax.random.normal(key, (8,))
        return {"total": (x_n * padding_mask(point["n"], 8)).sum(), "first": x_n[0]}

    cols = run_sweep(prefix_sum, key=jax.random.key(3), n_seeds=4, grid={"n": np.array([2, 5, 8])}).columns
    for seed in range(4):
        x_n = np.asarray(jax.random.normal(jax.random.fold_in(jax.random.key(3), seed), (8,)))
        rows = cols["seed"] == seed
        np.testing.assert_allclose(cols["total"][rows], [x_n[:2].sum(), x_n[:5].sum(), x_n.sum()], rtol=1e-6)


def test_padding_mask():
    np.testing.assert_array_equal(padding_mask(2, 4), [1, 1, 0, 0])


def test_call_sizes():
    assert seeds_per_call(100, 6, 1, None) == 13  # an eighth of the seeds
    assert seeds_per_call(100, 6, 2, None) == 14  # rounded up to a multiple of the 2 devices
    assert seeds_per_call(5, 3, 1, 1000) == 5  # never more than the seeds
    assert seeds_per_call(5, 3, 1, 2) == 1
    assert points_per_call(7, None) == 7
    with sweep_settings(memory_budget=1000):
        assert points_per_call(7, 300) == 3
        assert points_per_call(7, 5000) == 1


def test_memory_budget_sets_the_points_of_a_call():
    def fresh(key, point):
        return noisy(key, point)

    with sweep_settings(memory_budget=1000):
        result = run_sweep(fresh, key=jax.random.key(0), n_seeds=4, grid={"m": np.arange(3.0)}, replicate_bytes=300,
                           chunk_size=12)
    # 1000 // 300 = 3 points a call: all 3 points, 4 seeds in one call
    assert result.n_chunks_run == 1 and result.n_traces == 1
    with sweep_settings(memory_budget=500):
        result = run_sweep(fresh, key=jax.random.key(0), n_seeds=4, grid={"m": np.arange(3.0)}, replicate_bytes=300,
                           chunk_size=12)
    # 1 point a call: 3 calls of 4 seeds, still one trace
    assert result.n_chunks_run == 3 and result.n_traces == 1
