"""Figures and report.md of `synthlaw paper`: the paper's real-data sweeps next to its stored results.

Figures are pure functions of the summary tables (theory.paper_results.summarise):
- ratio: balanced error 1 - balanced accuracy against the imbalance ratio, one panel per method;
- augmentation: balanced error against the synthetic size N with the fitted a + b / N;
- spurious task: the worst-group error beside the balanced error.
"""

from pathlib import Path

import numpy as np

from synthlaw.figures.report import save_figure
from synthlaw.figures.style import panels
from synthlaw.sims.store import write_atomic
from synthlaw.theory.claims.scaling_law import fit_law, law_value

ARM_STYLE = {"imbalanced": ("C0", "o", "no oversampling"), "balanced": ("C1", "s", "balanced with synthetic"),
             "augmented": ("C2", "^", "balanced + augmented (w = 0.5)")}


def rows_of(summary: dict, method: str, arm: str):
    keep = (summary["method"] == method) & (summary["arm"] == arm)
    return summary["x"][keep], keep


def error_bars(ax, summary, keep, metric, **style):
    """1 - accuracy seed means with 2 standard errors."""
    x = summary["x"][keep]
    ax.errorbar(x, 1.0 - summary[f"{metric}_mean"][keep], yerr=2 * summary[f"{metric}_se"][keep],
                capsize=2, **style)


def figure_ratio(summary: dict, task: str, metric: str = "balanced"):
    """Error against majority:minority ratio, one panel per method."""
    methods = list(dict.fromkeys(summary["method"].tolist()))
    fig, axes = panels(len(methods))
    for ax, method in zip(axes, methods):
        for arm, (color, marker, label) in ARM_STYLE.items():
            _, keep = rows_of(summary, method, arm)
            error_bars(ax, summary, keep, metric, color=color, marker=marker, label=label)
        ax.set(xlabel="imbalance ratio (majority / minority)", title=f"{task}: {method}")
    axes[0].set_ylabel(f"1 - {metric} accuracy")
    axes[0].legend()
    return fig


def inverse_n_fit(summary: dict, method: str, metric: str = "balanced"):
    """Fitted a + b / N (theory.scaling_law.fit_law, gamma = 1) on the N > 0 points, or None."""
    n_g, keep = rows_of(summary, method, "augmented")
    positive = n_g > 0
    if positive.sum() < 3:
        return None
    return fit_law(n_g[positive], 1.0 - summary[f"{metric}_mean"][keep][positive], gamma=1.0)


def figure_augmentation(summary: dict, task: str, metric: str = "balanced"):
    """Error against synthetic rows N with the a + b / N fit and the train-on-all line."""
    methods = list(dict.fromkeys(summary["method"].tolist()))
    fig, axes = panels(len(methods))
    for ax, method in zip(axes, methods):
        n_g, keep = rows_of(summary, method, "augmented")
        error_bars(ax, summary, keep, metric, color="C2", marker="^", linestyle="none", label="measured")
        law = inverse_n_fit(summary, method, metric)
        if law is not None:
            grid = np.linspace(max(n_g[n_g > 0].min(), 1.0), n_g.max(), 100)
            ax.plot(grid, law_value(grid, law), color="black", linestyle="--",
                    label=f"{law.a:.4f} + {law.b:.3g} / N")
        _, all_keep = rows_of(summary, method, "train_all")
        if all_keep.any():
            ax.axhline(1.0 - summary[f"{metric}_mean"][all_keep][0], color="grey", linestyle=":",
                       label="all real training rows")
        ax.set(xlabel="synthetic rows N (weight 0.5)", title=f"{task}: {method}")
        ax.legend()
    axes[0].set_ylabel(f"1 - {metric} accuracy")
    return fig


def comparison_table(rows: list[dict]) -> str:
    """Markdown: per (method, metric, arm) the largest |ours - stored| over the grid, and where."""
    worst = {}
    for r in rows:
        key = (r["method"], r["metric"], r["arm"])
        if key not in worst or abs(r["diff"]) > abs(worst[key]["diff"]):
            worst[key] = r
    lines = ["| method | metric | arm | max abs diff | at i | ours | stored | points |", "|---|---|---|---|---|---|---|---|"]
    for (method, metric, arm), r in sorted(worst.items()):
        n = sum(1 for q in rows if (q["method"], q["metric"], q["arm"]) == (method, metric, arm))
        lines.append(f"| {method} | {metric} | {arm} | {abs(r['diff']):.4f} | {r['i']} | {r['ours']:.4f} "
                     f"| {r['stored']:.4f} | {n} |")
    return "\n".join(lines)


def summary_table(summary: dict, metric: str = "balanced") -> str:
    """Markdown: seed mean +- se of the metric per method and arm at every grid point."""
    lines = ["| method | arm | x | mean | se |", "|---|---|---|---|---|"]
    for r in range(len(summary["method"])):
        lines.append(f"| {summary['method'][r]} | {summary['arm'][r]} | {summary['x'][r]:g} "
                     f"| {summary[f'{metric}_mean'][r]:.4f} | {summary[f'{metric}_se'][r]:.4f} |")
    return "\n".join(lines)


def write_paper_report(results: dict, out_dir: Path, run_info: dict) -> Path:
    """results[(task, sweep)] = (summary, comparison rows); PNGs and report.md into out_dir."""
    out_dir = Path(out_dir)
    lines = ["# synthlaw paper report", "", ", ".join(f"{k}: {v}" for k, v in run_info.items()), ""]
    for (task, sweep), (summary, rows) in results.items():
        name = f"{task}_{sweep}"
        figure = figure_ratio if sweep == "ratio" else figure_augmentation
        save_figure(figure(summary, task), out_dir / f"{name}.png")
        lines += [f"## {task}: {sweep} sweep", "", f"![{name}]({name}.png)", ""]
        if task == "spurious":
            save_figure(figure(summary, task, metric="worst"), out_dir / f"{name}_worst.png")
            lines += [f"![{name} worst group]({name}_worst.png)", ""]
        if sweep == "augmentation":
            for method in dict.fromkeys(summary["method"].tolist()):
                law = inverse_n_fit(summary, method)
                if law is not None:
                    lines.append(f"- {method}: balanced error = {law.a:.4f} + {law.b:.4g} / N")
            lines.append("")
        if rows:
            lines += ["Against the authors' stored `log` results (largest difference over the grid; "
                      "`*_log_cross` compare log cross-entropies):", "", comparison_table(rows), ""]
        else:
            lines += ["No stored `log` results for this sweep in the data folder.", ""]
        lines += ["<details><summary>balanced accuracy, every grid point</summary>", "",
                  summary_table(summary), "", "</details>", ""]
    path = out_dir / "report.md"
    write_atomic(path, "\n".join(lines))
    return path
