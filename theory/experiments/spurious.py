"""Setting S replicates (SPU-1..3 in CLAIMS): draw the four groups, augment the minority groups
with a registered generator, fit, score each group exactly."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.group_generators import generate_groups
from synthlaw.models.logistic import STEPS_GROUPS, fit_logistic
from synthlaw.models.registry import Generator
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import padding_mask, run_sweep
from synthlaw.sims.geometry import GROUP_Y, MINORITY, bayes_group_error, group_counts, group_means, means_for
from synthlaw.sims.spurious import draw_groups
from synthlaw.theory.experiments.reference import reference_columns, score_at_reference
from synthlaw.theory.risks.spurious import balanced_group_error, group_errors, worst_group_error


@functools.lru_cache(maxsize=64)
def spurious_replicate(d_core: int, d_spur: int, n_real_max: int, n_syn_max: int, gen: Generator,
                       scores: bool = False):
    """Replicate (point, *, key) -> group-balanced excess, worst-group and mean minority-group
    error, ||w_spur||; scores: also "score", the fit's loss gradient over its rows at the point's theta_ref
    (experiments.reference), for the control variate of predictions.spurious.minority_control.

    point: n_major, n_minor (real rows per majority / minority group), seen_minor (how many of the
    n_minor rows the classifier sees; all but in SPU-3), n_syn (synthetic rows per minority group
    from gen, e.g. the plug-in fitted on that group's n_minor real rows), core = ||mu_c||, spur.
    Memoised, so the same arguments give the same function and the compiled sweep is reused.
    """
    syn_groups = np.flatnonzero(MINORITY)

    def replicate(point, *, key):
        key_real, key_syn = jax.random.split(key)
        unit_c_d, unit_s_e = means_for(d_core, d_spur, 1.0, 1.0)
        mu_c_d, mu_s_e = point["core"] * unit_c_d, point["spur"] * unit_s_e
        mean_gp = group_means(mu_c_d, mu_s_e)
        x_gnp = draw_groups(n_real_max, mu_c_d, mu_s_e, key=key_real)
        x_syn_gnp = generate_groups(gen, x_gnp[syn_groups], n_syn_max, key=key_syn, mean_gd=mean_gp[syn_groups],
                                    cov_dd=jnp.eye(d_core + d_spur), n_real=point["n_minor"])
        y_g = 0.5 * (jnp.asarray(GROUP_Y) + 1.0)
        real_gn = jnp.stack([padding_mask(jnp.where(m, point["seen_minor"], point["n_major"]), n_real_max)
                             for m in MINORITY])
        syn_gn = jnp.broadcast_to(padding_mask(point["n_syn"], n_syn_max)[None, :], (2, n_syn_max))
        x_np = jnp.concatenate([x_gnp.reshape(-1, d_core + d_spur), x_syn_gnp.reshape(-1, d_core + d_spur)])
        y_n = jnp.concatenate([jnp.repeat(y_g, n_real_max), jnp.repeat(y_g[syn_groups], n_syn_max)])
        weight_n = jnp.concatenate([real_gn.reshape(-1), syn_gn.reshape(-1)])
        w_p, b, _ = fit_logistic(x_np, y_n, weight_n, n_steps=STEPS_GROUPS)
        theta_p = jnp.append(w_p, b)
        out = {"excess": balanced_group_error(theta_p, mean_gp) - bayes_group_error(point["core"]),
               "worst": worst_group_error(theta_p, mean_gp),
               "minority": group_errors(theta_p, mean_gp)[syn_groups].mean(),
               "spur_norm": jnp.sqrt(w_p[d_core:] @ w_p[d_core:])}
        if scores:
            out["score"] = score_at_reference(point, x_np, y_n, weight_n)
        return out

    return replicate


def mixture_rows(n: int, p: float, balance: bool) -> dict:
    """Group sizes of n real rows of minority mass p; balance adds minority rows up to the majority size."""
    n_major, n_minor = group_counts(n, p)[:2]
    return {"n": n, "p": p, "n_major": n_major, "n_minor": n_minor, "seen_minor": n_minor,
            "n_syn": n_major - n_minor if balance else 0}


def measure_spu(rows: list[dict], gen: Generator, *, d_core: int, d_spur: int, core: float, spur: float,
                seeds: int, key, options: SweepOptions, name: str) -> dict:
    """One sweep over rows with keys n, p, n_major, n_minor, seen_minor, n_syn in Setting S with
    d_core core and d_spur spurious dimensions, ||mu_c|| = core, ||mu_s|| = spur; tidy columns.
    name: the caller's label of the sweep (a claim id); the dimensions and gen are added here.
    Rows carrying a reference theta_ref (every row or none) add score columns score_0.. (spurious_replicate)."""
    grid = {k: np.array([r[k] for r in rows]) for k in ("n", "p", "n_major", "n_minor", "seen_minor", "n_syn")}
    grid["p"] = grid["p"].astype(float)
    grid["core"] = np.full(len(rows), float(core))
    grid["spur"] = np.full(len(rows), float(spur))
    grid |= reference_columns(rows, d_core + d_spur)
    scores = "theta_ref_0" in grid
    replicate = spurious_replicate(d_core, d_spur, int(grid["n_major"].max()), max(int(grid["n_syn"].max()), 1), gen,
                                   scores=scores)
    label = f"{name}: spurious d_core={d_core} d_spur={d_spur} generator={gen.name}" + (" scores" if scores else "")
    return run_sweep(replicate, key=key, n_seeds=seeds, grid=grid, options=options, name=label,
                     chunk_size=64).columns
