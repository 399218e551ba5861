"""Figures of `synthlaw paper`: the paper's real-data sweeps, every method overlaid, one figure per metric.

Figures are pure functions of the result tables (tables.stored.summarise and the
per-seed columns). Every metric is drawn as a loss (1 - accuracy, or the cross-entropy), so that
lower is better everywhere and the a + b / N law reads as AUG-2 states it. synthlaw's seed means
(filled markers, 2 standard errors) sit beside the authors' stored means (hollow markers, from
compare_stored's rows); stored log cross-entropies are drawn as exp(stored).
- ratio: two panels with a shared y-axis, the balanced arm and the augmented arm; the imbalanced
  arm (no oversampling; it reads no synthetic rows, so it is one curve for every method) and the
  baselines that add no rows (class weights, the moved threshold) in both;
- augmentation: each method's augmented arm with its fitted a + b / N and 95% band, and the
  train-on-all line; one panel per loss weight w of the synthetic rows (shared y), the authors'
  stored means on the panel of the weight they used.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

METRICS = {"balanced": "1 − balanced accuracy", "min": "1 − minority accuracy",
           "worst": "1 − worst-group accuracy", "balanced_ce": "balanced cross-entropy",
           "min_ce": "minority cross-entropy"}
STORED = {"balanced": "balanced", "min": "min", "worst": "worst", "balanced_log_cross": "balanced_ce",
          "min_log_cross": "min_ce"}
AUTHORS = {"synthetic_allseed": "LLM, fit on use", "synthetic": "LLM, fit on seed", "smote": "SMOTE",
           "adasyn": "ADASYN", "ros": "random oversampling"}
OURS = {"ros": "random oversampling", "smote": "SMOTE", "adasyn": "ADASYN", "plugin": "Gaussian plug-in",
        "transformer": "transformer"}
BASELINES = {"class_weights": ("class weights (no new rows)", "--"),
             "threshold": ("threshold moved by the prior's log-odds", ":")}
FIGSIZE = (9.0, 3.4)  # at DPI: about 1000 px wide, the report's width
DPI = 115


def method_label(method: str) -> str:
    """A legend name: the authors' files by their generator, synthlaw's by generator and fit-on rows."""
    if method in AUTHORS:
        return f"{AUTHORS[method]} (authors' rows)"
    base, _, fit_on = method.rpartition("_")
    return f"{OURS.get(base, base)}, fit on {fit_on}" if base in OURS else method


def colors(methods: list) -> dict:
    cmap = plt.get_cmap("tab10" if len(methods) <= 10 else "tab20")
    return {m: cmap(k % cmap.N) for k, m in enumerate(methods)}


def loss(values, metric: str):
    return 1.0 - np.asarray(values, float) if metric in ("balanced", "min", "worst") else np.asarray(values, float)


def stored_points(rows: list, method: str, arm: str, metric: str) -> tuple:
    """The authors' stored means of (method, arm) for metric, by grid index i, as losses."""
    got = [(r["i"], r["stored"]) for r in rows
           if r["method"] == method and r["arm"] == arm and STORED[r["metric"]] == metric]
    i = np.array([g[0] for g in got], int)
    v = np.array([g[1] for g in got], float)
    return i, (np.exp(v) if metric.endswith("_ce") else loss(v, metric))


def draw_arm(ax, summary, rows, method, arm, metric, color, label, dx, linestyle="-"):
    """Seed means +- 2 se (filled) and stored means (hollow, shifted by dx) of one method and arm."""
    keep = (summary["method"] == method) & (summary["arm"] == arm)
    x, i = summary["x"][keep], summary["i"][keep]
    ax.errorbar(x, loss(summary[f"{metric}_mean"][keep], metric), yerr=2 * summary[f"{metric}_se"][keep],
                color=color, marker="o", markersize=3.5, capsize=2, linewidth=1.2, label=label, linestyle=linestyle)
    si, sv = stored_points(rows, method, arm, metric)
    if len(si):
        x_of_i = dict(zip(i.tolist(), x.tolist(), strict=True))
        sx = np.array([x_of_i[k] for k in si if k in x_of_i]) + dx
        ax.plot(sx, sv[[k in x_of_i for k in si]], linestyle="none", marker="o", markersize=5,
                markerfacecolor="none", markeredgecolor=color, markeredgewidth=1.0)


def new_figure(n_panels: int, sharey: bool):
    fig, axes = plt.subplots(1, n_panels, figsize=FIGSIZE, dpi=DPI, sharey=sharey, squeeze=False,
                             layout="constrained")
    return fig, list(axes[0])


def legend(fig, axes, has_stored: bool):
    handles, labels = axes[0].get_legend_handles_labels()
    if has_stored:
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", markeredgecolor="grey"))
        labels.append("hollow: authors' stored mean")
    fig.legend(handles, labels, loc="outside right center", fontsize=7, frameon=False)


def figure_ratio(summary: dict, rows: list, task: str, metric: str):
    """Loss against the imbalance ratio: balanced arm | augmented arm, every method, shared y."""
    methods = [m for m in dict.fromkeys(summary["method"][summary["arm"] == "balanced"].tolist())]
    color = colors(methods)
    fig, axes = new_figure(2, sharey=True)
    titles = ("oversampled to balance", "balanced + 1.5 seed_size rows per class at w = 0.5")
    for ax, arm, title in zip(axes, ("balanced", "augmented"), titles, strict=True):
        draw_arm(ax, summary, rows, methods[0], "imbalanced", metric, "black", "no oversampling (real rows only)", 0.2)
        for baseline, (label, style) in BASELINES.items():
            for m in dict.fromkeys(summary["method"][summary["arm"] == baseline].tolist()):
                draw_arm(ax, summary, rows, m, baseline, metric, "dimgrey", label, 0.2, style)
        for m in methods:
            draw_arm(ax, summary, rows, m, arm, metric, color[m], method_label(m), 0.2)
        ax.set(xlabel="imbalance ratio (majority / minority)", title=f"{task}: {title} ({summary['classifier'][0]})")
    axes[0].set_ylabel(METRICS[metric])
    legend(fig, axes, bool(rows))
    return fig


def weights_of(table: dict) -> list[float]:
    """The synthetic loss weights of an augmentation sweep's table (columns or summary), in run order."""
    return list(dict.fromkeys(w for w in table["weight"].tolist() if not np.isnan(w)))


def at_weight(table: dict, weight: float) -> dict:
    """The rows of a table at one synthetic loss weight, with the rows that have none (train_all, weight nan)."""
    keep = (table["weight"] == weight) | np.isnan(table["weight"])
    return {k: v[keep] for k, v in table.items()}


def figure_augmentation(summary: dict, rows: list, fits: dict, task: str, metric: str):
    """Loss against synthetic rows N per method, with its fitted a + b / N and 95% band, one panel
    per synthetic loss weight w (fits keyed (method, w, metric); rows: stored comparisons, each with
    the weight it compares)."""
    methods = list(dict.fromkeys(summary["method"].tolist()))
    weights = weights_of(summary)
    color = colors(methods)
    fig, axes = new_figure(len(weights), sharey=True)
    dx = 0.01 * summary["x"].max()
    for ax, w in zip(axes, weights, strict=True):
        part, stored = at_weight(summary, w), [r for r in rows if r["weight"] == w]
        for m in methods:
            draw_arm(ax, part, stored, m, "augmented", metric, color[m], method_label(m), dx)
            fit = fits.get((m, w, metric))
            if fit is not None:
                ax.plot(fit.grid_g, fit.curve_g, color=color[m], linestyle="--", linewidth=1.0)
                ax.fill_between(fit.grid_g, fit.lo_g, fit.hi_g, color=color[m], alpha=0.15, linewidth=0)
        all_keep = part["arm"] == "train_all"
        if all_keep.any():
            ax.axhline(loss(part[f"{metric}_mean"][all_keep][0], metric), color="grey", linestyle=":",
                       label="all real training rows (train_all)")
        ax.plot([], [], color="grey", linestyle="--", label="fitted a + b / N, 95% band")
        ax.set_title(f"w = {w:g}")
    axes[0].set_ylabel(METRICS[metric])
    fig.supxlabel("synthetic rows N added to the balanced base (half per class, at loss weight w)", fontsize=9)
    fig.suptitle(f"{task}: augmentation sweep ({summary['classifier'][0]})", fontsize=10)
    legend(fig, axes, bool(rows))
    return fig


def figure_losses(fits: list):
    """Training loss per step (and held-out loss per block) of each trained generator, one panel per task."""
    tasks = list(dict.fromkeys(f.task for f in fits))
    fig, axes = new_figure(len(tasks), sharey=False)
    for ax, task in zip(axes, tasks, strict=True):
        for k, f in enumerate(f for f in fits if f.task == task):
            steps = np.arange(1, len(f.loss_s) + 1)
            ax.plot(steps, f.loss_s, color=f"C{k}", linewidth=0.8, label=f"{method_label(f.name)}: training")
            if len(f.holdout_loss_b):
                at = np.arange(1, len(f.holdout_loss_b) + 1) * len(f.loss_s) / len(f.holdout_loss_b)
                ax.plot(at, f.holdout_loss_b, color=f"C{k}", marker="s", linestyle="--", label="held-out")
        ax.set(xlabel="training step", ylabel="loss (nats per token)", title=f"{task} task")
        ax.legend(fontsize=7)
    return fig
