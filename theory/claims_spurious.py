"""SPU-1 to SPU-3 of CLAIMS (Setting S): spurious reliance of ERM and its cure by augmentation."""

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.group_generators import generate_groups
from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.spurious import GROUP_Y, MINORITY, draw_groups, group_counts, group_means, means_for
from synthlaw.sims.sweep import padding_mask, run_sweep
from synthlaw.theory import m_estimation as me
from synthlaw.theory.augmentation import plugin_covariance
from synthlaw.theory.claim import Check, Claim
from synthlaw.theory.fits import bootstrap_slope, by_seed, loglog_slope, mean_ci
from synthlaw.theory.spurious_risk import (
    balanced_group_error,
    bayes_group_error,
    erm_minimiser,
    group_errors,
    group_sources,
    law_s,
    worst_group_error,
)


def spurious_replicate(d_core: int, d_spur: int, n_real_max: int, n_syn_max: int, generator: str = "perfect",
                       n_steps: int = 12):
    """Replicate (key, point) -> group-balanced excess, worst-group and mean minority-group error, ||w_spur||.

    point: n_major, n_minor (real rows per majority / minority group), seen_minor (how many of the
    n_minor rows the classifier sees; all but in SPU-3), n_syn (synthetic rows per minority group
    from `generator`, the plug-in fitted on that group's n_minor real rows), core = ||mu_c||, spur.
    """
    syn_groups = np.flatnonzero(MINORITY)

    def replicate(key, point):
        key_real, key_syn = jax.random.split(key)
        unit_c_d, unit_s_e = means_for(d_core, d_spur, 1.0, 1.0)
        mu_c_d, mu_s_e = point["core"] * unit_c_d, point["spur"] * unit_s_e
        mean_gp = group_means(mu_c_d, mu_s_e)
        x_gnp = draw_groups(key_real, n_real_max, mu_c_d, mu_s_e)
        x_syn_gnp = generate_groups(generator, key_syn, x_gnp[syn_groups], n_syn_max, mean_gd=mean_gp[syn_groups],
                                    cov_dd=jnp.eye(d_core + d_spur), n_real=point["n_minor"])
        y_g = 0.5 * (jnp.asarray(GROUP_Y) + 1.0)
        real_gn = jnp.stack([padding_mask(jnp.where(m, point["seen_minor"], point["n_major"]), n_real_max)
                             for m in MINORITY])
        syn_gn = jnp.broadcast_to(padding_mask(point["n_syn"], n_syn_max)[None, :], (2, n_syn_max))
        x_np = jnp.concatenate([x_gnp.reshape(-1, d_core + d_spur), x_syn_gnp.reshape(-1, d_core + d_spur)])
        y_n = jnp.concatenate([jnp.repeat(y_g, n_real_max), jnp.repeat(y_g[syn_groups], n_syn_max)])
        weight_n = jnp.concatenate([real_gn.reshape(-1), syn_gn.reshape(-1)])
        w_p, b = fit_logistic(x_np, y_n, weight_n, n_steps=n_steps)
        theta_p = jnp.append(w_p, b)
        return {"excess": balanced_group_error(theta_p, mean_gp) - bayes_group_error(point["core"]),
                "worst": worst_group_error(theta_p, mean_gp),
                "minority": group_errors(theta_p, mean_gp)[syn_groups].mean(),
                "spur_norm": jnp.sqrt(w_p[d_core:] @ w_p[d_core:])}

    return replicate


def mixture_rows(n: int, p: float, balance: bool) -> dict:
    """Group sizes of n real rows of minority mass p; balance adds minority rows up to the majority size."""
    n_major, n_minor = group_counts(n, p)[:2]
    return {"n": n, "p": p, "n_major": n_major, "n_minor": n_minor, "seen_minor": n_minor,
            "n_syn": n_major - n_minor if balance else 0}


def measure_spu(config, key, rows: list[dict], generator: str = "perfect") -> dict:
    """One sweep over rows with keys n, p, n_major, n_minor, seen_minor, n_syn; tidy columns."""
    grid = {k: np.array([r[k] for r in rows]) for k in ("n", "p", "n_major", "n_minor", "seen_minor", "n_syn")}
    grid["p"] = grid["p"].astype(float)
    grid["core"] = np.full(len(rows), float(config["core"]))
    grid["spur"] = np.full(len(rows), float(config["spur"]))
    replicate = spurious_replicate(config["d_core"], config["d_spur"], int(grid["n_major"].max()),
                                   max(int(grid["n_syn"].max()), 1), generator)
    return run_sweep(replicate, key=key, n_seeds=config["seeds"], grid=grid, chunk_size=64).columns


# SPU-1 --------------------------------------------------------------------------------------


def spu1_measure(config, key):
    return measure_spu(config, key, [mixture_rows(config["n"], p, False) for p in config["p"]])


def spu1_predict(config):
    """Worst-group error and ||w_spur|| of the population ERM minimiser at each p."""
    args = (config["d_core"], config["d_spur"], config["core"], config["spur"])
    worst, spur_norm = [], []
    with jax.enable_x64(True):
        mean_gp, _ = law_s(*args)
        for p in config["p"]:
            theta_p = erm_minimiser(*args, p)
            worst.append(float(worst_group_error(theta_p, mean_gp)))
            spur_norm.append(float(jnp.linalg.norm(theta_p[config["d_core"]:-1])))
    return {"worst": np.array(worst), "spur_norm": np.array(spur_norm),
            "bayes": float(bayes_group_error(config["core"]))}


def spu1_judge(columns, config, prediction):
    checks = []
    for p, pred in zip(config["p"], prediction["worst"]):
        rows = np.isclose(columns["p"], p)
        checks.append(Check(label=f"p={p:g}", quantity="minority-group (worst) error", prediction=pred,
                            measured=mean_ci(columns["minority"][rows]),
                            rival=prediction["bayes"] if p != 0.5 else None))
    return checks


SPU_1 = Claim(
    id="SPU-1", title="Spurious reliance of ERM under group imbalance",
    paper_result="ERM on a spuriously correlated mixture (paper Sec. 5, spurious correlations)",
    quick={"d_core": 2, "d_spur": 2, "core": 1.0, "spur": 1.0, "p": [0.05, 0.1, 0.2, 0.5], "n": 4000,
           "seeds": 32},
    full={"d_core": 2, "d_spur": 2, "core": 1.0, "spur": 1.0, "p": [0.02, 0.05, 0.1, 0.2, 0.3, 0.5],
          "n": 16000, "seeds": 128},
    measure=spu1_measure, predict=spu1_predict, judge=spu1_judge,
)


# SPU-2 --------------------------------------------------------------------------------------


def spu2_measure(config, key):
    return measure_spu(config, key, [mixture_rows(n, config["p"][0], True) for n in config["n"]])


def balanced_sandwich(config, n):
    """tr(H V)/2 and E||w_spur||^2 = tr(V_spur) for n real rows balanced by perfect minority rows."""
    with jax.enable_x64(True):
        mean_gp, bayes_p = law_s(config["d_core"], config["d_spur"], config["core"], config["spur"])
        counts = group_counts(n, config["p"][0])
        sources = group_sources(mean_gp, counts) + group_sources(
            mean_gp, [0.0 if not m else counts[0] - counts[1] for m in MINORITY])
        v_pp = me.sandwich_V(bayes_p, sources)
        excess = me.first_order_excess(lambda t: balanced_group_error(t, mean_gp), bayes_p, v_pp)
        spur = jnp.trace(v_pp[config["d_core"]:-1, config["d_core"]:-1])
        return float(excess), float(spur)


def spu2_predict(config):
    pairs = [balanced_sandwich(config, n) for n in config["n"]]
    with jax.enable_x64(True):
        mean_gp, _ = law_s(config["d_core"], config["d_spur"], config["core"], config["spur"])
        theta_p = erm_minimiser(config["d_core"], config["d_spur"], config["core"], config["spur"], config["p"][0])
        unaugmented = float(balanced_group_error(theta_p, mean_gp) - bayes_group_error(config["core"]))
        spur_sq = float(jnp.sum(theta_p[config["d_core"]:-1] ** 2))
    return {"n_exponent": -1.0, "excess": np.array([e for e, _ in pairs]),
            "spur_sq": np.array([s for _, s in pairs]), "no_augmentation": unaugmented,
            "spur_sq_no_augmentation": spur_sq}


def spu2_judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n")
    largest = columns["n"] == n_g[-1]
    return [
        Check(label=f"n {n_g[0]:g}..{n_g[-1]:g}, balanced", quantity="log-log slope in n + N",
              prediction=prediction["n_exponent"], measured=bootstrap_slope(n_g, excess_sg), rival=-0.5),
        Check(label=f"n={n_g[-1]:g}", quantity="group-balanced excess", prediction=prediction["excess"][-1],
              measured=mean_ci(columns["excess"][largest]), rival=prediction["no_augmentation"]),
        Check(label=f"n={n_g[-1]:g}", quantity="||w_spur||^2", prediction=prediction["spur_sq"][-1],
              measured=mean_ci(columns["spur_norm"][largest] ** 2),
              rival=prediction["spur_sq_no_augmentation"]),
    ]


SPU_2 = Claim(
    id="SPU-2", title="Augmentation with a perfect group generator removes spurious reliance",
    paper_result="Synthetic minority-group augmentation (paper Sec. 5)",
    quick={"d_core": 2, "d_spur": 2, "core": 1.0, "spur": 1.0, "p": [0.1], "n": [500, 1000, 2000, 4000],
           "seeds": 48},
    full={"d_core": 2, "d_spur": 2, "core": 1.0, "spur": 1.0, "p": [0.1], "n": [250, 500, 1000, 2000, 4000, 8000],
          "seeds": 200},
    measure=spu2_measure, predict=spu2_predict, judge=spu2_judge,
)



# SPU-3 --------------------------------------------------------------------------------------


def spu3_measure(config, key):
    """Majority groups: n_group real rows; minority groups: n_group plug-in rows fitted on n_minor real."""
    m = config["n_group"]
    rows = [{"n": 2 * m + 2 * g, "p": g / (m + g), "n_major": m, "n_minor": g, "seen_minor": 0, "n_syn": m}
            for g in config["n_minor"]]
    return measure_spu(config, key, rows, generator="plugin")


def plugin_group_floor(config, n_minor):
    """First-order excess and E||w_spur||^2 when the minority groups come from plug-ins fitted on
    n_minor rows each: generator term tr(H Cov_gen)/2 plus sampling term tr(H V)/2 (SPU-3)."""
    with jax.enable_x64(True):
        mean_gp, bayes_p = law_s(config["d_core"], config["d_spur"], config["core"], config["spur"])
        sources = group_sources(mean_gp, [float(config["n_group"])] * 4)
        v_pp = me.sandwich_V(bayes_p, sources) + plugin_covariance(bayes_p, sources, (1, 2), n_minor)
        excess = me.first_order_excess(lambda t: balanced_group_error(t, mean_gp), bayes_p, v_pp)
        return float(excess), float(jnp.trace(v_pp[config["d_core"]:-1, config["d_core"]:-1]))


def spu3_predict(config):
    gens = np.asarray(config["n_minor"], float)
    pairs = [plugin_group_floor(config, g) for g in config["n_minor"]]
    excess, spur = np.array([e for e, _ in pairs]), np.array([s for _, s in pairs])
    return {"n_exponent": -1.0, "excess": excess, "spur_sq": spur,
            "grid_slope": loglog_slope(gens, excess), "spur_grid_slope": loglog_slope(gens, spur)}


def spu3_judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n_minor")
    _, spur_sg = by_seed({**columns, "spur_sq": columns["spur_norm"] ** 2}, "spur_sq", "n_minor")
    label = f"n_g {n_g[0]:g}..{n_g[-1]:g}"
    return [
        Check(label=label, quantity="log-log slope of excess in n_g", prediction=prediction["n_exponent"],
              measured=bootstrap_slope(n_g, excess_sg), rival=0.0,
              tolerance=abs(prediction["grid_slope"] - prediction["n_exponent"])),
        Check(label=label, quantity="log-log slope of ||w_spur||^2 in n_g", prediction=prediction["n_exponent"],
              measured=bootstrap_slope(n_g, spur_sg), rival=0.0,
              tolerance=abs(prediction["spur_grid_slope"] - prediction["n_exponent"])),
        Check(label=f"n_g={n_g[0]:g}", quantity="group-balanced excess", prediction=prediction["excess"][0],
              measured=mean_ci(excess_sg[:, 0]), rival=prediction["excess"][-1]),
    ]


SPU_3 = Claim(
    id="SPU-3", title="Augmentation with fitted group generators: a floor ~ 1/n_g",
    paper_result="Synthetic minority-group augmentation with an imperfect generator (paper Sec. 5)",
    quick={"d_core": 2, "d_spur": 2, "core": 1.0, "spur": 1.0, "n_group": 4096, "n_minor": [50, 100, 200, 400],
           "seeds": 64},
    full={"d_core": 2, "d_spur": 2, "core": 1.0, "spur": 1.0, "n_group": 16384,
          "n_minor": [25, 50, 100, 200, 400, 800], "seeds": 128},
    measure=spu3_measure, predict=spu3_predict, judge=spu3_judge,
)

CLAIMS = (SPU_1, SPU_2, SPU_3)
