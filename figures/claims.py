"""One figure per claim, drawn from a claim's result table and prediction (pure functions)."""

import numpy as np

from synthlaw.figures.augmentation import FIGURES as AUGMENTATION_FIGURES
from synthlaw.figures.generation import FIGURES as GENERATION_FIGURES
from synthlaw.figures.style import (
    PREDICTION,
    RIVAL,
    label_grid,
    measured,
    panels,
    rival_power_law,
    seed_estimates,
)
from synthlaw.theory.claims_imbalance import DIRECTIONS
from synthlaw.theory.gaussian_risk import imbalance_excess


def figure_imb1(outcome):
    """Excess against rho per Delta, measured over the closed form E(rho, Delta)."""
    cols, cfg = outcome.columns, outcome.config
    fig, (ax,) = panels(1)
    rho_dense = np.geomspace(1, max(cfg["rho"]) * 1.2, 200)
    for i, sep in enumerate(cfg["separation"]):
        rows = cols["separation"] == sep
        n_maj, est = seed_estimates(cols, "excess", "n_maj", rows)
        color = f"C{i}"
        measured(ax, n_maj / cfg["n_min"], est, f"measured, Delta={sep:g}", color)
        ax.plot(rho_dense, imbalance_excess(rho_dense, sep), **{**PREDICTION, "color": color,
                "label": f"E(rho, Delta={sep:g})"})
    ax.set(xscale="log", xlabel="imbalance ratio rho = n_maj / n_min", ylabel="balanced 0-1 excess",
           title="IMB-1: the cost of imbalance")
    label_grid(ax, cfg["rho"])
    ax.legend()
    return fig


def figure_imb2(outcome):
    """Excess against n_min on log-log axes with the first-order prediction tr(HV)/2."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax,) = panels(1)
    n_g, est = seed_estimates(cols, "excess", "n_min", np.ones(len(cols["seed"]), bool))
    measured(ax, n_g, est, "measured (perfect generator)")
    ax.plot(n_g, pred["excess"], marker="", **{**PREDICTION, "label": "prediction tr(HV)/2"})
    rival_power_law(ax, n_g, n_g[0], pred["excess"][0], -0.5, "rival slope -1/2")
    ax.set(xscale="log", yscale="log", xlabel="n_min (real minority rows)", ylabel="balanced 0-1 excess",
           title="IMB-2: oversampling with a perfect generator")
    label_grid(ax, n_g)
    ax.legend()
    return fig


def figure_imb3(outcome):
    """Floor against the generator's shift delta, per direction, with the exact F(delta)."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax,) = panels(1)
    for i, direction in enumerate(outcome.config["directions"]):
        rows = np.isclose(cols["angle"], DIRECTIONS[direction])
        shifts, est = seed_estimates(cols, "excess", "shift", rows)
        measured(ax, shifts, est, f"measured, {direction}", f"C{i}")
        ax.plot(shifts, pred["floor"][direction], **{**PREDICTION, "color": f"C{i}",
                "label": f"F(delta), {direction}"})
    rival_power_law(ax, shifts, shifts[-1], pred["floor"][direction][-1], 1.0, "rival slope 1")
    ax.set(xscale="log", yscale="log", xlabel="generator mean shift delta", ylabel="balanced 0-1 excess",
           title="IMB-3: the price of generator quality")
    label_grid(ax, shifts)
    ax.legend()
    return fig


def figure_imb4(outcome):
    """Excess against n_min and against d for each oversampler."""
    cols, cfg = outcome.columns, outcome.config
    fig, (ax_n, ax_d) = panels(2)
    for i, generator in enumerate(cfg["generators"]):
        for ax, panel in ((ax_n, "n_min"), (ax_d, "d")):
            rows = (cols["generator"] == generator) & (cols["panel"] == panel)
            xs, est = seed_estimates(cols, "excess", panel, rows)
            ax.plot(xs, [e.value for e in est], marker="o", color=f"C{i}", label=generator)
            ax.fill_between(xs, [e.lo for e in est], [e.hi for e in est], color=f"C{i}", alpha=0.15)
    for ax in (ax_n, ax_d):
        ax.axhline(outcome.prediction["no_oversampling"], **RIVAL,
                   label="E(rho, Delta): large-n cost")
        ax.set(xscale="log", yscale="log", ylabel="balanced 0-1 excess")
    ax_n.set(xlabel=f"n_min (d = {cfg['d_for_n']})", title="IMB-4: oversamplers against n_min")
    ax_d.set(xlabel=f"d (n_min = {cfg['n_min_for_d']})", title="IMB-4: oversamplers against d")
    label_grid(ax_n, cfg["n_min"])
    label_grid(ax_d, cfg["d"])
    handles, labels = ax_n.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels))
    return fig


FIGURES = {"IMB-1": figure_imb1, "IMB-2": figure_imb2, "IMB-3": figure_imb3, "IMB-4": figure_imb4,
           **AUGMENTATION_FIGURES, **GENERATION_FIGURES}
