import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.sims.sweep import chunk_length, padding_mask, run_sweep, sweep_settings


def noisy(key, point):
    return {"value": jax.random.normal(key) + point["m"], "pair": jnp.stack([point["m"], 2 * point["m"]])}


def test_a_sweep_traces_once_even_over_several_chunks_and_is_reused():
    def fresh(key, point):
        return noisy(key, point)

    grid = {"m": np.arange(5.0)}
    result = run_sweep(fresh, key=jax.random.key(0), n_seeds=7, grid=grid, chunk_size=4)
    assert result.n_traces == 1
    assert len(result.columns["value"]) == 35
    again = run_sweep(fresh, key=jax.random.key(5), n_seeds=7, grid=grid, chunk_size=4)
    assert again.n_traces == 0


def test_chunking_does_not_change_results():
    grid = {"m": np.arange(3.0)}
    whole = run_sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid).columns
    chunked = run_sweep(noisy, key=jax.random.key(1), n_seeds=5, grid=grid, chunk_size=2).columns
    for name in whole:
        np.testing.assert_array_equal(whole[name], chunked[name])


def test_grid_points_of_one_seed_share_the_key_and_vector_outputs_become_columns():
    cols = run_sweep(noisy, key=jax.random.key(2), n_seeds=3, grid={"m": np.array([0.0, 10.0])}).columns
    noise = cols["value"] - cols["m"]
    np.testing.assert_allclose(noise[0::2], noise[1::2], atol=1e-5)
    assert len(np.unique(noise[0::2])) == 3
    np.testing.assert_array_equal(cols["pair_1"], 2 * cols["pair_0"])


def test_padding_mask():
    np.testing.assert_array_equal(padding_mask(2, 4), [1, 1, 0, 0])


def test_memory_budget_sets_the_chunk_length():
    def fresh(key, point):
        return noisy(key, point)

    with sweep_settings(memory_budget=1000):
        result = run_sweep(fresh, key=jax.random.key(0), n_seeds=4, grid={"m": np.arange(3.0)}, replicate_bytes=300)
        assert chunk_length(12, 2, None, 300) == 4  # rounded up to a multiple of 2 devices
    # 1000 // 300 = 3 replicates a chunk: 12 replicates in 4 chunks, still one trace
    assert result.n_chunks_run == 4 and result.n_traces == 1
