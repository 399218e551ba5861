"""The figure of IMB-6: SMOTE against random oversampling over the dimension d (a pure function of an outcome)."""

import numpy as np

from synthlaw.figures.style import NONNEGATIVE, PREDICTION, RIVAL, label_grid, legend_outside, measured, panels
from synthlaw.theory.stats.controls import regression_controlled
from synthlaw.theory.stats.intervals import means_by


def figure_imb6(outcome):
    """Left: the excess of ROS and of SMOTE per k against d, measured over predicted, with the perfect
    generator (the rival). Right: the paired gap SMOTE - ROS per k over its prediction; 0 is the
    rival 'SMOTE equals ROS', and SMOTE helps where the gap is below it. Beyond judged_up_to (shaded)
    SMOTE's prediction is drawn, not judged. The measured excess is the checks' (the copy score's control
    variate fitted per d and generator: claims/imb6.py)."""
    cfg, pred = outcome.config, outcome.prediction
    cols = {**outcome.columns, "excess": regression_controlled(outcome.columns, "excess", ("d", "generator"))}
    fig, (ax_e, ax_g) = panels(2)
    d_g = np.asarray(cfg.d)
    ros_rows = cols["generator"] == "ros"
    _, est = means_by(cols, "excess", "d", ros_rows)
    measured(ax_e, d_g, est, "measured, ROS", "C0", bounds=NONNEGATIVE)
    ax_e.plot(d_g, pred["ros"], **{**PREDICTION, "color": "C0", "label": "ROS, exact"})
    ax_e.plot(d_g, pred["perfect"], **{**RIVAL, "label": "rival: perfect generator"})
    for i, k in enumerate(cfg.k, start=1):
        rows = cols["generator"] == f"smote-k{k}"
        _, est = means_by(cols, "excess", "d", rows)
        measured(ax_e, d_g, est, f"measured, SMOTE k={k}", f"C{i}", bounds=NONNEGATIVE)
        ax_e.plot(d_g, pred["smote"][k], **{**PREDICTION, "color": f"C{i}", "label": f"SMOTE k={k}, predicted"})
        gap_s = {d: cols["excess"][rows & (cols["d"] == d)] - cols["excess"][ros_rows & (cols["d"] == d)]
                 for d in cfg.d}
        cols_gap = {"d": np.concatenate([np.full(len(v), d) for d, v in gap_s.items()]),
                    "gap": np.concatenate(list(gap_s.values()))}
        _, est = means_by(cols_gap, "gap", "d", np.ones(len(cols_gap["d"]), bool))
        measured(ax_g, d_g, est, f"measured, k={k}", f"C{i}")  # a signed gap: its interval may cross 0
        ax_g.plot(d_g, pred["gap"][k], **{**PREDICTION, "color": f"C{i}", "label": f"predicted, k={k}"})
    ax_g.axhline(0.0, **{**RIVAL, "label": "rival: SMOTE equals ROS"})
    if cfg.judged_up_to < d_g[-1]:  # SMOTE's first-order prediction is drawn there but not judged
        for ax in (ax_e, ax_g):
            ax.axvspan(cfg.judged_up_to, d_g[-1], color="0.9", zorder=0,
                       label="SMOTE not judged (O(n^-2) of the gap's size)" if ax is ax_e else None)
    ax_e.set(xscale="log", yscale="log", xlabel="dimension d", ylabel="balanced 0-1 excess",
             title="IMB-6: excess of the balanced fit")
    ax_g.set(xscale="log", xlabel="dimension d", ylabel="SMOTE - ROS excess (paired)",
             title="IMB-6: SMOTE against copies")
    for ax in (ax_e, ax_g):
        label_grid(ax, cfg.d)
    legend_outside(fig)
    return fig
