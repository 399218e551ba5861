"""Training throughput of the GEN-1 transformer at its default size (about 1e5 parameters).

Prints steps/s and tokens/s for a batch of 64 tasks x 32 points, for blocks of steps inside one
jax.lax.scan (what train_generator does) against one jitted call per step, measured side by side.
Run: python benchmarks/transformer_throughput.py [--repeats N]. Timings are noisy on a shared
machine; the script prints the load average beside them.
"""

import argparse
import os
import time

import jax
from flax import nnx

from synthlaw.models.transformer import GaussianTransformer, TransformerConfig, parameter_count
from synthlaw.models.transformer_training import GaussianTasks, TrainConfig, optimizer, train_block


def steps_per_second(model_config, train, block: int, repeats: int) -> float:
    """Median steps/s over repeats of `block` steps, after one compile-and-warm-up call."""
    graphdef, params = nnx.split(GaussianTransformer(model_config, rngs=nnx.Rngs(0)), nnx.Param)
    opt_state = optimizer(train).init(params)
    key = jax.random.key(0)

    def run(p, o, i):
        return train_block(graphdef, p, o, i, key=key, model_config=model_config, train=train,
                           tasks=GaussianTasks(), n_steps=block)

    jax.block_until_ready(run(params, opt_state, 0))
    rates = []
    for r in range(repeats):
        start = time.perf_counter()
        for i in range(max(1, 200 // block)):
            params, opt_state, loss_s = run(params, opt_state, 1000 * r + i)
        jax.block_until_ready(loss_s)
        rates.append(max(1, 200 // block) * block / (time.perf_counter() - start))
    return sorted(rates)[len(rates) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    model_config, train = TransformerConfig(), TrainConfig(batch=64)
    n_params = parameter_count(GaussianTransformer(model_config, rngs=nnx.Rngs(0)))
    tokens = train.batch * model_config.context
    print(f"parameters {n_params}, batch {train.batch} x {model_config.context} tokens, "
          f"d = {model_config.d}, devices {jax.devices()}, load average {os.getloadavg()[0]:.1f}")
    for label, block in (("scan block of 100", 100), ("one jit call per step", 1)):
        rate = steps_per_second(model_config, train, block, args.repeats)
        print(f"{label:>22}: {rate:7.1f} steps/s  {rate * tokens:9.0f} tokens/s")


if __name__ == "__main__":
    main()
