"""IMB-6 outside the sweep: SMOTE's and ROS's excess from float64 NumPy fits, against the prediction.

    python benchmarks/imb6_float64.py d k n_min seeds

An independent check of where SMOTE's first-order prediction holds (notes/IMB-6.md, "Where the
first-order theory stops"): per seed, n_min real minority rows, rho n_min majority rows (rho = 4,
Delta = 2), m = (rho - 1) n_min new rows by random oversampling or by the NumPy SMOTE draw
(smote_law.smote_rows), each fit by Newton's method in float64 from theta* (smote_excess's), and its exact balanced
excess (rule_risk). It prints each mean excess with its standard error over seeds beside the
prediction, the gap SMOTE - ROS, and the SMOTE excess split at the predicted theta*: the drift part
grad R . (theta_hat - theta*) and the quadratic part (theta_hat - theta*)' H (theta_hat - theta*) / 2
against tr(H V) / 2. Minutes at d = 64, n_min = 400; seconds at d <= 16.
"""

import sys

import numpy as np
from scipy.special import expit

from synthlaw.sims import geometry
from synthlaw.theory.predictions import smote_law
from synthlaw.theory.predictions.oversampling import gaussian_law, random_oversampling_excess, rule_risk

RHO, SEPARATION = 4, 2.0


def newton_fit(x_nd, y_n, theta_p):
    """The unpenalised logistic fit from theta_p, float64, to a step below 1e-10."""
    x_np = np.hstack([x_nd, np.ones((len(x_nd), 1))])
    theta_p = theta_p.copy()
    for _ in range(50):
        prob_n = expit(x_np @ theta_p)
        step_p = np.linalg.solve((x_np * (prob_n * (1 - prob_n))[:, None]).T @ x_np, x_np.T @ (prob_n - y_n))
        theta_p -= step_p
        if np.abs(step_p).max() < 1e-10:
            break
    return theta_p


def main(d: int, k: int, n_min: int, seeds: int):
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, SEPARATION)
    risk = rule_risk(mu_0_d, mu_1_d, cov_dd)
    bayes = geometry.bayes_balanced_error(SEPARATION)
    n_maj, m = RHO * n_min, (RHO - 1) * n_min
    smote = smote_law.smote_excess(d, SEPARATION, n_min, n_maj, k)
    theta_p = smote.theta_star
    _, grad_p, hess_pp = risk(theta_p)
    y_n = np.r_[np.zeros(n_min + m), np.ones(n_maj)]
    rng = np.random.default_rng(7)
    out = {"ros": [], "smote": [], "drift": [], "quadratic": []}
    for _ in range(seeds):
        x_real_nd = rng.standard_normal((n_min, d))
        x_maj_nd = rng.standard_normal((n_maj, d)) + mu_1_d
        smote_nd = smote_law.smote_rows(x_real_nd[None], m, rng, k=k)[0][0]
        copies_nd = x_real_nd[rng.integers(0, n_min, m)]
        for name, new_nd in (("ros", copies_nd), ("smote", smote_nd)):
            fit_p = newton_fit(np.vstack([x_real_nd + mu_0_d, new_nd + mu_0_d, x_maj_nd]), y_n, theta_p)
            out[name].append(risk(fit_p)[0] - bayes)
            if name == "smote":
                delta_p = fit_p - theta_p
                out["drift"].append(grad_p @ delta_p)
                out["quadratic"].append(delta_p @ hess_pp @ delta_p / 2)
    values = {name: np.array(v) for name, v in out.items()}
    values["gap"] = values["smote"] - values["ros"]
    ros = random_oversampling_excess(d, SEPARATION, n_min, n_maj)
    predicted = {"ros": ros.total, "smote": smote.terms.total, "gap": smote.terms.total - ros.total,
                 "drift": smote.terms.drift, "quadratic": smote.terms.variance}
    print(f"d = {d}, k = {k}, n_min = {n_min}, {seeds} seeds (SMOTE's Monte Carlo se {smote.mc_se:.2e})")
    for name, v in values.items():
        se = v.std(ddof=1) / np.sqrt(len(v))
        print(f"{name:10s} measured {v.mean():.6f} (se {se:.6f})  predicted {predicted[name]:.6f}  "
              f"ratio {v.mean() / predicted[name]:.3f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:5]))
