"""IMB-5's figure: class weights, random oversampling and a perfect generator against n_min, per rho,
and random oversampling's extra variance over class weights. A pure function of an outcome."""

import numpy as np

from synthlaw.figures.style import PREDICTION, RIVAL, label_grid, legend_outside, measured, panels, within
from synthlaw.theory.stats.intervals import FIGURE_LEVEL, mean_ci, means_by

ARM_LABELS = {"weights": "class weights", "ros": "random oversampling", "perfect": "perfect generator"}


def figure_imb5(outcome):
    """One panel per rho: each arm's excess against n_min with its prediction (log-log); a last panel:
    the paired difference random oversampling - class weights over the predicted extra variance, with
    the rival "random oversampling = reweighting" at 0. Intervals are cut at 0 (style.within): an excess
    is >= 0, and so is the gap's mean (the copies' noise is independent of the rows: it adds variance)."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, axes = panels(len(cfg.rho) + 1)
    n_per_rho = len(cfg.n_min)
    for k, (ax, rho) in enumerate(zip(axes, cfg.rho, strict=False)):
        at_rho = np.isclose(cols["rho"], rho)
        grid = slice(k * n_per_rho, (k + 1) * n_per_rho)  # predictions run over rho outer, n_min inner
        for i, (arm, label) in enumerate(ARM_LABELS.items()):
            n_g, est = means_by(cols, "excess", "n_min", at_rho & (cols["arm"] == arm))
            measured(ax, n_g, within(est), f"measured, {label}", f"C{i}")
            ax.plot(n_g, pred["excess"][arm][grid], marker="", **{**PREDICTION, "color": f"C{i}",
                    "label": f"predicted, {label}"})
        ax.set(xscale="log", yscale="log", xlabel="n_min (real minority rows)", ylabel="balanced 0-1 excess",
               title=f"IMB-5: rho = {rho:g}")
        label_grid(ax, cfg.n_min)
    ax = axes[-1]
    for k, rho in enumerate(cfg.rho):
        ratios = within([_gap_ratio(cols, rho, n, pred["gap"][k * n_per_rho + j]) for j, n in enumerate(cfg.n_min)])
        nudge = 1 + 0.03 * (k - (len(cfg.rho) - 1) / 2)  # side by side, not on top of each other
        measured(ax, np.asarray(cfg.n_min) * nudge, ratios, f"measured gap / predicted, rho = {rho:g}", f"C{3 + k}")
    ax.axhline(1.0, **{**PREDICTION, "label": "prediction: the copies' extra variance"})
    ax.axhline(0.0, **{**RIVAL, "label": "rival: random oversampling = reweighting"})
    ax.set(xscale="log", xlabel="n_min (real minority rows)", ylabel="(ROS - class weights) / predicted",
           title="IMB-5: what the copies cost")
    label_grid(ax, cfg.n_min)
    legend_outside(fig)
    return fig


def _gap_ratio(cols, rho, n_min, predicted):
    """Mean over seeds of random oversampling's excess minus class weights' on the same rows, over predicted."""
    at = np.isclose(cols["rho"], rho) & (cols["n_min"] == n_min)
    ros, weights = (cols["excess"][at & (cols["arm"] == arm)][np.argsort(cols["seed"][at & (cols["arm"] == arm)])]
                    for arm in ("ros", "weights"))
    return mean_ci((ros - weights) / predicted, level=FIGURE_LEVEL)

