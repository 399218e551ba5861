"""One plot style for every figure: legible at paper size (about 3.3 x 2.5 inches per panel).

Figures are matplotlib Figure objects made without pyplot, so no backend is chosen: png() renders
one with Agg, under the style RC. Figures draw; the numbers they show (seed means and intervals,
fits) come from theory/stats.
"""

import io
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from synthlaw.theory.stats.intervals import FIGURE_LEVEL, LEVEL

PANEL_INCHES = (3.4, 2.6)
RC: dict[RcKeyType, Any] = {
    "font.size": 9, "axes.titlesize": 9, "axes.labelsize": 9, "legend.fontsize": 7, "xtick.labelsize": 8,
    "ytick.labelsize": 8, "lines.linewidth": 1.4, "lines.markersize": 4, "axes.spines.top": False,
    "axes.spines.right": False, "savefig.dpi": 200, "savefig.bbox": "tight"}
PREDICTION = {"color": "black", "linestyle": "--", "linewidth": 1.2, "label": "prediction"}
RIVAL = {"color": "grey", "linestyle": ":"}


PER_ROW = 3  # panels per row: wider figures are unreadable once scaled to a page or a 1200 px screen


def panels(n: int):
    """A figure with n panels, PER_ROW to a row (the unused cells of the last row removed)."""
    columns, rows = min(n, PER_ROW), -(-n // PER_ROW)
    fig = Figure(figsize=(PANEL_INCHES[0] * columns, PANEL_INCHES[1] * rows), layout="constrained")
    axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
    for ax in axes[n:]:
        fig.delaxes(ax)
    return fig, axes[:n]


def png(draw, *args) -> bytes:
    """draw(*args) -> a Figure, drawn and rendered to PNG bytes under the style RC."""
    with matplotlib.rc_context(RC):
        buffer = io.BytesIO()
        draw(*args).savefig(buffer, format="png")
    return buffer.getvalue()


def measured(ax, x, estimates, label, color=None, marker="o"):
    """Seed means with their 95% intervals as error bars."""
    mean = [e.value for e in estimates]
    err = [[e.value - e.lo for e in estimates], [e.hi - e.value for e in estimates]]
    ax.errorbar(x, mean, yerr=err, fmt=marker, color=color, capsize=2, label=label)


def rival_power_law(ax, x_g, x_ref, y_ref, slope: float, label: str):
    """The rival's line y_ref (x / x_ref)^slope through (x_ref, y_ref), drawn in the RIVAL style."""
    x_g = np.asarray(x_g, float)
    ax.plot(x_g, y_ref * (x_g / x_ref) ** slope, **RIVAL, label=label)


def label_grid(ax, x_values):
    """Tick a log x-axis at the grid values, in plain numbers, without minor labels."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator, ScalarFormatter

    ax.xaxis.set_major_locator(FixedLocator(list(x_values)))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def state_checks(fig, outcome) -> None:
    """Head the figure with the claim's verdict, both interval levels and each check's prediction,
    measured value, interval (at LEVEL) and verdict (a suptitle, so the layout makes room for it)."""
    n_seeds = len(np.unique(outcome.columns["seed"]))
    verdict = "REPORTED (not pass/fail)" if outcome.claim.reported_only else outcome.verdict
    lines = [f"{outcome.claim.id}: {verdict}. Error bars: {100 * FIGURE_LEVEL:g}% intervals over {n_seeds} seeds; "
             f"checks: {100 * LEVEL:g}% intervals over seeds"]
    for c in outcome.checks:
        allowance = f" +- {c.allowance:.2g}" if c.allowance else ""
        rival = "" if c.rival is None else f"; rival {c.rival:.4g}"
        bound = "<= " if c.upper_bound else ""
        lines.append(f"{'PASS' if c.passed else 'FAIL'}  {c.label}: {c.quantity}: predicted {bound}{c.prediction:.4g}"
                     f"{allowance}, measured {c.measured.value:.4g} {c.measured.bracket()}{rival}")
    fig.suptitle("\n".join(lines), x=0.0, ha="left", fontsize=7, linespacing=1.5)
    fig.set_figheight(fig.get_figheight() + len(lines) * 7 * 1.5 / 72)  # the panels keep their height
