"""Figures of AUG-1..3, AUG-5 and SPU-1..3: seed means with 95% intervals over the predictions."""

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
)
from synthlaw.theory.stats.intervals import means_by
from synthlaw.theory.stats.scaling_law import fit_law, law_value


def figure_aug1(outcome):
    """Excess against N (log-log) per weight w, with the fitted law and the prediction c (n + w^2 N)/(n + wN)^2."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, (ax,) = panels(1)
    for i, w in enumerate(cfg.weight):
        n_g, est = means_by(cols, "excess", "n_syn", np.isclose(cols["weight"], w))
        measured(ax, n_g, est, f"measured, w = {w:g}", f"C{2 * i}", bounds=NONNEGATIVE)
        m_g = cfg.n + w * n_g
        ax.plot(n_g, law_value(m_g, fit_law(m_g, [e.value for e in est])), color=f"C{2 * i + 1}",
                label=f"fit a + b M^-gamma, w = {w:g}")
        ax.plot(n_g, pred["excess"][w], **{**PREDICTION, "color": f"C{2 * i}",
                                           "label": f"prediction c (n + w^2 N)/(n + wN)^2, w = {w:g}"})
    ax.plot(n_g, pred["large_n"], **{**RIVAL, "linestyle": "-."}, label="rival c/N (real rows left out)")
    first = pred["excess"][cfg.weight[0]]
    m_g = cfg.n + cfg.weight[0] * n_g
    ax.plot(n_g, first[0] * np.sqrt(m_g[0] / m_g), **RIVAL, label="rival gamma = 1/2")
    ax.set(xscale="log", yscale="log", xlabel=f"synthetic rows N (n = {cfg.n} real)",
           ylabel="balanced 0-1 excess", title="AUG-1: perfect generator")
    label_grid(ax, n_g)
    legend_outside(fig)
    return fig


def figure_aug2(outcome):
    """Left: excess against N per n_gen (falls or rises to the floor). Right: floor against n_gen."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, (ax_c, ax_f) = panels(2)
    for i, (n, g) in enumerate(zip(cfg.n, cfg.n_gen, strict=True)):
        rows = (cols["panel"] == "curve") & (cols["n_gen"] == g)
        n_g, est = means_by(cols, "excess_controlled", "n_syn", rows)
        measured(ax_c, n_g, est, f"measured, n={n}, n_gen={g}", f"C{i}", bounds=NONNEGATIVE)
        ax_c.plot(n_g, pred["curve"][g], **{**PREDICTION, "color": f"C{i}", "label": f"formula, b={pred['b'][g]:.2g}"})
        ax_c.axhline(pred["a"][g], color=f"C{i}", linestyle=":", linewidth=0.8, label=f"floor a, n_gen={g}")
        ax_c.axhline(pred["no_augmentation"][g], color=f"C{i}", linestyle="-.", linewidth=0.8,
                     label=f"no augmentation (N = 0), n={n}")
    ax_c.set(xscale="log", yscale="log", xlabel="synthetic rows N",
             ylabel="balanced 0-1 excess", title="AUG-2: fitted generator")
    label_grid(ax_c, cfg.n_syn)
    rows = cols["panel"] == "floor"
    gens, est = means_by(cols, "excess_controlled", "n_gen", rows)
    measured(ax_f, gens, est, f"measured, n = 0, N = {cfg.n_syn[-1]}", "C2", bounds=NONNEGATIVE)
    ax_f.plot(gens, pred["floor"], **{**PREDICTION, "label": "a(n_gen) + c/N"})
    rival_power_law(ax_f, gens, gens[0], pred["floor"][0], 0.0, "rival slope 0")
    ax_f.set(xscale="log", yscale="log", xlabel="generator-fit rows n_gen", ylabel="balanced 0-1 excess",
             title="AUG-2: floor against n_gen")
    label_grid(ax_f, gens)
    legend_outside(fig)
    return fig


def figure_spu1(outcome):
    """Minority- and worst-group error and ||w_spur|| against the minority mass p."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax_e, ax_w) = panels(2)
    every = np.ones(len(cols["seed"]), bool)
    p_g, est = means_by(cols, "minority_controlled", "p", every)
    measured(ax_e, p_g, est, "measured, minority groups", bounds=NONNEGATIVE)
    _, est_w = means_by(cols, "worst", "p", every)
    measured(ax_e, p_g, est_w, "measured, worst group", "C1", marker="s", bounds=NONNEGATIVE)
    ax_e.plot(p_g, pred["worst"], **{**PREDICTION, "label": "population ERM"})
    ax_e.axhline(pred["bayes"], **RIVAL, label="Phi(-||mu_c||)")
    ax_e.set(xlabel="minority-group mass p", ylabel="0-1 error", title="SPU-1: worst-group error")
    _, est_s = means_by(cols, "spur_norm", "p", every)
    measured(ax_w, p_g, est_s, "measured, ||w_spur||", "C2", marker="D", bounds=NONNEGATIVE)
    ax_w.plot(p_g, pred["spur_norm"], **{**PREDICTION, "label": "population ERM"})
    ax_w.set(xlabel="minority-group mass p", ylabel="||w_spur||", title="SPU-1: weight on x_spur")
    legend_outside(fig)
    return fig


def figure_spu2(outcome):
    """Group-balanced excess and ||w_spur||^2 against n after balancing with a perfect generator."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax_e, ax_w) = panels(2)
    every = np.ones(len(cols["seed"]), bool)
    n_g, est = means_by(cols, "excess_controlled", "n", every)
    measured(ax_e, n_g, est, "measured", bounds=NONNEGATIVE)
    ax_e.plot(n_g, pred["excess"], **{**PREDICTION, "label": "prediction tr(HV)/2 (left)"})
    rival_power_law(ax_e, n_g, n_g[0], pred["excess"][0], -0.5, "rival slope -1/2")
    ax_e.set(xscale="log", yscale="log", xlabel="real rows n (balanced to n + N)", ylabel="group-balanced excess",
             title="SPU-2: perfect group generator")
    label_grid(ax_e, n_g)
    _, est_s = means_by(cols, "spur_sq_controlled", "n", every)
    measured(ax_w, n_g, est_s, "measured", bounds=NONNEGATIVE)
    ax_w.plot(n_g, pred["spur_sq"], **{**PREDICTION, "label": "prediction tr(V_spur) + O(n^-2) (right)"})
    ax_w.set(xscale="log", yscale="log", xlabel="real rows n", ylabel="||w_spur||^2", title="SPU-2: spurious weight")
    label_grid(ax_w, n_g)
    legend_outside(fig)
    return fig


def figure_aug3(outcome):
    """Generator-only excess against the generator's shift delta, with the exact floor (the floor panel)."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, (ax,) = panels(1)
    shifts, est = means_by(cols, "excess", "shift", cols["panel"] == "floor")
    measured(ax, shifts, est, f"measured, n = 0, N = {cfg.n_syn_floor}", bounds=NONNEGATIVE)
    ax.plot(shifts, pred["excess"], **{**PREDICTION, "label": "a(delta) + c/N"})
    rival_power_law(ax, shifts, shifts[-1], pred["excess"][-1], 1.0, "rival slope 1")
    ax.set(xscale="log", yscale="log", xlabel="generator mean shift delta", ylabel="balanced 0-1 excess",
           title="AUG-3: floor of a biased generator")
    label_grid(ax, shifts)
    legend_outside(fig)
    return fig


def figure_spu3(outcome):
    """Group-balanced excess and ||w_spur||^2 against n_g, minority groups from fitted plug-ins."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax_e, ax_w) = panels(2)
    every = np.ones(len(cols["seed"]), bool)
    spur = {**cols, "spur_sq": cols["spur_norm"] ** 2}
    for ax, value, name in ((ax_e, "excess", "group-balanced excess"), (ax_w, "spur_sq", "||w_spur||^2")):
        n_g, est = means_by(spur, value, "n_minor", every)
        measured(ax, n_g, est, "measured", bounds=NONNEGATIVE)
        curve = pred["excess" if value == "excess" else "spur_sq"]
        ax.plot(n_g, curve, **{**PREDICTION, "label": "first-order floor"})
        rival_power_law(ax, n_g, n_g[0], curve[0], 0.0, "rival slope 0")
        ax.set(xscale="log", yscale="log", xlabel="real rows per minority group n_g", ylabel=name)
        label_grid(ax, n_g)
    ax_e.set(title="SPU-3: fitted group generators")
    ax_w.set(title="SPU-3: spurious weight floor")
    legend_outside(fig)
    return fig



def figure_aug5(outcome):
    """Excess against the synthetic rows' weight w, one panel per generator shift and one colour per N,
    with the exact B(w) + drift + V(w), its grid argmin w* and the rivals w = 0.5 and w = 1."""
    cols, cfg, pred = outcome.columns, outcome.config, outcome.prediction
    fig, axes = panels(len(cfg.shift))
    for ax, shift in zip(axes, cfg.shift, strict=True):
        for i, n_syn in enumerate(cfg.n_syn):
            key = f"delta={shift:g}, N={n_syn}"
            rows = np.isclose(cols["shift"], shift * cfg.true_shift_scale) & (cols["n_syn"] == n_syn)
            w_g, est = means_by(cols, "excess_controlled", "weight", rows)
            measured(ax, w_g, est, f"measured, N = {n_syn}", f"C{i}", bounds=NONNEGATIVE)
            ax.plot(w_g, pred["excess"][key], **{**PREDICTION, "color": f"C{i}", "label": f"B + V, N = {n_syn}"})
            ax.axvline(pred["best_w"][key], color=f"C{i}", linestyle="-.", linewidth=0.8,
                       label=f"predicted w*, N = {n_syn}")
        for rival in (0.5, 1.0):
            ax.axvline(rival, **RIVAL, label="rivals w = 0.5, w = 1")
        generator = "perfect generator" if shift == 0 else f"generator off by delta = {shift:g}"
        ax.set(yscale="log", xlabel=f"weight w of the synthetic rows (n = {cfg.n} real)",
               ylabel="balanced 0-1 excess", title=f"AUG-5: {generator}")
    legend_outside(fig)
    return fig
