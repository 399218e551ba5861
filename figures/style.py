"""One plot style for every figure: legible at paper size (about 3.3 x 2.5 inches per panel).

Figures are matplotlib Figure objects made without pyplot, so no backend is chosen: png() renders
one with Agg, under the style RC. Figures draw; the numbers they show (seed means and intervals,
fits) come from theory/stats.
"""

import dataclasses
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


NONNEGATIVE = (0.0, np.inf)  # the range of an excess, an error, a KL, a norm: an interval is cut at 0 (within)


def measured(ax, x, estimates, label, color=None, marker="o", bounds: tuple[float, float] | None = None):
    """Seed means with their 95% intervals as error bars, cut to the quantity's range bounds if given."""
    if bounds is not None:
        estimates = within(estimates, *bounds)
    mean = [e.value for e in estimates]
    err = [[e.value - e.lo for e in estimates], [e.hi - e.value for e in estimates]]
    ax.errorbar(x, mean, yerr=err, fmt=marker, color=color, capsize=2, label=label)


def within(estimates, lo: float = 0.0, hi: float = np.inf):
    """The estimates cut to the quantity's range [lo, hi] (issue 21: an interval of a positive quantity never
    runs below 0). The true value lies in the range, so a cut interval covers it whenever the uncut one
    does: the level is kept. A mean or a whole interval outside the range (an unbiased MMD^2 estimate can
    fall below 0) is drawn at the range's edge, the nearest value the quantity can take."""

    def cut(v):
        return min(max(v, lo), hi)

    return [dataclasses.replace(e, value=cut(e.value), lo=cut(e.lo), hi=cut(e.hi)) for e in estimates]


def legend_outside(fig, title: str | None = None):
    """One legend for all panels, outside every panel so that it covers no point (issue 21): right of a
    single panel (where the checks above already widen the figure), in the free cell that panels()
    leaves in the last row, else below the panels. The panels keep their size. A label drawn in several
    panels is listed once; title heads the legend."""
    entries = {}
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    style = {"title": title, "title_fontsize": RC["legend.fontsize"]}
    grid = fig.axes[0].get_subplotspec().get_gridspec()
    rows, columns = grid.get_geometry()
    used = len(fig.axes)
    if used == 1:
        fig.set_figwidth(fig.get_figwidth() + label_inches(entries.keys(), title))
        return fig.legend(entries.values(), entries.keys(), loc="outside right lower", **style)
    if used < rows * columns:
        free = fig.add_subplot(grid[rows - 1, used - (rows - 1) * columns:])
        free.axis("off")
        return free.legend(entries.values(), entries.keys(), loc="center", frameon=False, **style)
    ncol = max(1, min(len(entries), int(fig.get_figwidth() // label_inches(entries.keys()))))
    legend_rows = -(-len(entries) // ncol) + (title is not None) + 1  # the frame's padding takes about a row
    fig.set_figheight(fig.get_figheight() + legend_rows * 1.7 * RC["legend.fontsize"] / 72)
    return fig.legend(entries.values(), entries.keys(), loc="outside lower center", ncol=ncol, **style)


def label_inches(labels, title: str | None = None) -> float:
    """About the width of a legend column for these labels: a character of DejaVu Sans is about 0.55 em
    wide, the handle, gaps and frame take about 4 em (measured on the claim figures' legends)."""
    widest = max([len(label) for label in labels] + [len(line) for line in (title or "").splitlines()])
    return (0.55 * widest + 4) * RC["legend.fontsize"] / 72


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
