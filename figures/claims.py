"""The claims' figures of IMB-1..4 and AUG-4, and claim_figure, which heads any claim's figure with
its checks. Each claim names its figure function (theory/claims); pure functions of an outcome."""

import numpy as np

from synthlaw.figures.style import (
    NONNEGATIVE,
    PREDICTION,
    RIVAL,
    label_grid,
    legend_outside,
    measured,
    panels,
    rival_power_law,
    state_checks,
    within,
)
from synthlaw.sims.geometry import DIRECTIONS, imbalance_excess
from synthlaw.theory.stats.intervals import means_by


def figure_imb1(outcome):
    """Excess against rho per Delta, measured over the closed form E(rho, Delta)."""
    cols, cfg = outcome.columns, outcome.config
    cols = {**cols, "rho": cols["n_maj"] / cols["n_min"]}  # the rho = 1 cells have their own n_min
    fig, (ax,) = panels(1)
    rho_dense = np.geomspace(1, max(cfg.rho) * 1.2, 200)
    for i, sep in enumerate(cfg.separation):
        rows = cols["separation"] == sep
        rho, est = means_by(cols, "excess", "rho", rows)
        color = f"C{i}"
        measured(ax, rho, est, f"measured, Delta={sep:g}", color, bounds=NONNEGATIVE)
        ax.plot(rho_dense, imbalance_excess(rho_dense, sep), **{**PREDICTION, "color": color,
                "label": f"E(rho, Delta={sep:g})"})
    ax.set(xscale="log", xlabel="imbalance ratio rho = n_maj / n_min", ylabel="balanced 0-1 excess",
           title="IMB-1: the cost of imbalance")
    label_grid(ax, cfg.rho)
    legend_outside(fig)
    return fig


def figure_imb2(outcome):
    """Excess against n_min on log-log axes with the first-order prediction tr(HV)/2."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax,) = panels(1)
    n_g, est = means_by(cols, "excess", "n_min", np.ones(len(cols["seed"]), bool))
    measured(ax, n_g, est, "measured (perfect generator)", bounds=NONNEGATIVE)
    ax.plot(n_g, pred["excess"], marker="", **{**PREDICTION, "label": "prediction tr(HV)/2"})
    rival_power_law(ax, n_g, n_g[0], pred["excess"][0], -0.5, "rival slope -1/2")
    ax.axhline(pred["no_oversampling"], color="C3", linestyle="-.", linewidth=1.0,
               label="no oversampling: E(rho, Delta), n -> inf")
    ax.set(xscale="log", yscale="log", xlabel="n_min (real minority rows)", ylabel="balanced 0-1 excess",
           title="IMB-2: oversampling with a perfect generator")
    label_grid(ax, n_g)
    legend_outside(fig)
    return fig


def figure_imb3(outcome):
    """Excess against the generator's shift delta, per direction, with the exact F(delta) + O(1/n)
    over every measured shift (the slope grid and the crossing panel around delta*), the excess
    without oversampling and the predicted break-even delta*."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, (ax,) = panels(1)
    oversampled = cols["panel"] != "none"
    for i, direction in enumerate(cfg.directions):
        rows = oversampled & np.isclose(cols["angle"], DIRECTIONS[direction])
        shifts, est = means_by(cols, "excess", "shift", rows)
        measured(ax, shifts, est, f"measured, {direction}", f"C{i}", bounds=NONNEGATIVE)
        ax.plot(pred["curve_shift"][direction], pred["curve"][direction], **{**PREDICTION, "color": f"C{i}",
                "label": f"F(delta) + O(1/n), {direction}"})
        ax.axvline(pred["break_even"][direction], color=f"C{i}", linestyle=":", linewidth=0.8,
                   label=f"predicted delta* = {pred['break_even'][direction]:.3g}")
    none = cols["excess"][cols["panel"] == "none"].mean()
    ax.axhline(none, **{**RIVAL, "label": "measured, no oversampling"})
    ax.set(xscale="log", yscale="log", xlabel="generator mean shift delta", ylabel="balanced 0-1 excess",
           title="IMB-3: the price of generator quality")
    label_grid(ax, [0.1, 0.2, 0.5, 1.0, 2.0, 3.0])
    legend_outside(fig)
    return fig


def figure_aug4(outcome):
    """Excess (with its control variate, as judged) against the synthetic rows N per shift, the predicted
    B(N) + V(N), the best N."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, (ax,) = panels(1)
    for i, shift in enumerate(cfg.shift):
        rows = np.isclose(cols["shift"], shift * cfg.true_shift_scale)
        n_g, est = means_by(cols, "excess_controlled", "m", rows)
        measured(ax, n_g, est, f"measured, delta={shift:g}", f"C{i}", bounds=NONNEGATIVE)
        ax.plot(n_g, pred["excess"][shift],
                **{**PREDICTION, "color": f"C{i}", "label": f"B(N) + V(N), delta={shift:g}"})
        ax.axvline(pred["best_n"][shift], color=f"C{i}", linestyle=":", linewidth=0.8,
                   label=f"predicted best N = {pred['best_n'][shift]:.0f}")
    ax.axvline(round(cfg.rho * cfg.n_min) - cfg.n_min, **{**RIVAL, "label": "balance, N = n_maj - n_min"})
    ax.set(yscale="log", xlabel="synthetic minority rows N", ylabel="balanced 0-1 excess",
           title="AUG-4: how much synthetic data to add")
    legend_outside(fig)
    return fig


def figure_imb4(outcome):
    """Excess against n_min and against d for each oversampler."""
    cols, cfg = outcome.columns, outcome.config
    fig, (ax_n, ax_d) = panels(2)
    for i, generator in enumerate(cfg.generators):
        for ax, panel in ((ax_n, "n_min"), (ax_d, "d")):
            rows = (cols["generator"] == generator) & (cols["panel"] == panel)
            xs, est = means_by(cols, "excess", panel, rows)
            ax.plot(xs, [e.value for e in est], marker="o", color=f"C{i}", label=generator)
            band = within(est, *NONNEGATIVE)
            ax.fill_between(xs, [e.lo for e in band], [e.hi for e in band], color=f"C{i}", alpha=0.15)
    for ax in (ax_n, ax_d):
        ax.axhline(outcome.prediction["no_oversampling"], **RIVAL,
                   label="E(rho, Delta): large-n cost")
        ax.set(xscale="log", yscale="log", ylabel="balanced 0-1 excess")
    ax_n.set(xlabel=f"n_min (d = {cfg.d_for_n})", title="IMB-4: oversamplers against n_min")
    ax_d.set(xlabel=f"d (n_min = {cfg.n_min_for_d})", title="IMB-4: oversamplers against d")
    label_grid(ax_n, cfg.n_min)
    label_grid(ax_d, cfg.d)
    legend_outside(fig)
    return fig


def claim_figure(outcome):
    """The claim's figure, titled with its verdict and interval levels, its checks listed below."""
    fig = outcome.claim.figure(outcome)
    state_checks(fig, outcome)
    return fig

