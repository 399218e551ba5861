"""report.md of `synthlaw paper`: what was run, one figure per metric, the fitted laws and how many
synthetic rows they recommend (AUG-2), which loss weight of the synthetic rows fits the table best
(beside the baselines that add no rows), AUG-4's answer, and the comparison with stored results.

The report only draws and writes: the law fits (tables/law.py) and the class counts arrive computed
from the runner (tables/runner.py), as plain records read by attribute."""

import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from synthlaw.figures.paper import (
    BASELINES,
    METRICS,
    figure_augmentation,
    figure_losses,
    figure_ratio,
    loss,
    method_label,
)
from synthlaw.figures.style import RC
from synthlaw.sims.engine.store import write_atomic
from synthlaw.theory.stats.intervals import FIGURE_LEVEL, t_quantile

INTRO = """\
The paper's recipe for an imbalanced table: fit a generator on real rows, draw minority rows from
it, and add them. Each training set here is one *arm* at one grid point and seed, scored on the
held-out test.csv by the run's classifier (the run line names it and its solver; logistic: scikit-learn's
C = 1, fitted to the exact optimum unless the solver says otherwise):

- **imbalanced**: the seed rows plus k real majority rows (no oversampling);
- **balanced**: imbalanced plus k synthetic minority rows, so both classes have equal counts;
- **augmented**: balanced plus extra synthetic rows of both classes, at loss weight w: the paper's 0.5
  in the ratio sweep, and in the augmentation sweep each weight of the run's weights (Run line; one
  curve, law and panel per weight, the same rows at every weight);
- **train_all**: every real training row (the augmentation sweep's reference line);
- **class_weights** and **threshold** (method "baseline", imbalance ratio sweep): the imbalanced
  arm's rows with no new row, each class reweighted to half the total weight, or the decision
  threshold moved by the training prior's log-odds (predict 1 where the balanced posterior > 1/2).

The ratio sweep's grid index i = 0..9 adds k = i · seed_size / 2 majority rows; its x is the
imbalance ratio (seed_size / 2 + k) / (seed_size / 2) = 1 + i, and its augmented arm adds
1.5 · seed_size rows per class. The augmentation sweep starts from a balanced base (seed, 4 · seed_size
majority rows, 4 · seed_size synthetic minority rows) and its x is N = 2 i · seed_size synthetic rows,
half per class. The spurious task does the same over the groups: pos = 00 and 11 (spurious bit and
label agree) take the minority's place. Every metric is drawn as a loss, lower is better:
1 − accuracy, or the cross-entropy. Filled markers: synthlaw's seed means ± 2 standard errors;
hollow markers: the authors' stored means, where the data folder has them.
"""


def png_bytes(draw, *args) -> bytes:
    """The pyplot figure draw(*args), drawn and rendered to PNG in memory under the style RC (global
    settings untouched), then closed."""
    with matplotlib.rc_context(RC):
        fig = draw(*args)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def direction(fit) -> str:
    """Falls (b > 0), rises (b < 0), or flat within the interval, with AUG-2's reading: about this
    generator's own curve only, so the floor is to be compared with the others and train_all."""
    if fit.b.lo > 0:
        return ("falls to its floor (b > 0: more of these rows lower this curve, AUG-2; whether they beat other "
                "rows is the floor a against theirs and train_all's)")
    if fit.b.hi < 0:
        return "rises to its floor (b < 0: more of these rows raise this curve, AUG-2)"
    return "is flat within noise (b's interval holds 0)"


def law_text(fit) -> str:
    """'a + b/N' with 95% intervals, e.g. 0.041 [0.038, 0.044] + 0.11 [0.08, 0.15] / N."""
    a, b = fit.a, fit.b
    return (f"{a.value:.4f} [{a.lo:.4f}, {a.hi:.4f}] {'+' if b.value >= 0 else '−'} "
            f"{abs(b.value):.3g} [{b.lo:.3g}, {b.hi:.3g}] / N")


def law_table(fits: dict, metric: str) -> list[str]:
    """One line per (method, weight) fitted on metric; fits keyed (method, weight, metric)."""
    lines = ["| method | w | fitted a + b / N (95% intervals) | curve | N_rec | se |", "|---|---|---|---|---|---|"]
    for (m, w, met), fit in fits.items():
        if met == metric and fit is not None:
            lines.append(f"| {method_label(m)} | {w:g} | {law_text(fit)} | {direction(fit)} | {fit.n_rec:.0f} "
                         f"| {fit.se:.4f} |")
    return lines


def interval_text(e) -> str:
    """'0.1234 [0.1200, 0.1268]'."""
    return f"{e.value:.4f} [{e.lo:.4f}, {e.hi:.4f}]"


def baseline_losses(ratio_summary: dict | None, metric: str) -> list[str]:
    """The ratio sweep's baselines that add no rows (class weights, moved threshold) at its largest
    ratio, as losses with 95% t-intervals over seeds; empty when that sweep did not run them."""
    if ratio_summary is None:
        return []
    keep = (ratio_summary["method"] == "baseline") & (ratio_summary["i"] == ratio_summary["i"].max())
    texts = []
    for r in np.flatnonzero(keep):
        mean = loss(ratio_summary[f"{metric}_mean"][r], metric)
        half = t_quantile(FIGURE_LEVEL, int(ratio_summary["n_seeds"][r])) * ratio_summary[f"{metric}_se"][r]
        texts.append(f"{BASELINES[ratio_summary['arm'][r]][0]} {mean:.4f} [{mean - half:.4f}, {mean + half:.4f}]")
    return texts


def weight_table(laws, metric: str, ratio_summary: dict | None) -> list[str]:
    """Per method, every weight's floor a and loss at the largest N with 95% intervals, and the best
    weight where the seeds resolve it (tables/law.py weight_choice), beside the baselines that add
    no rows."""
    choices = {m: c for (m, met), c in laws.choices.items() if met == metric and c is not None}
    if not choices:
        return []
    n_max, n_seeds = next(iter(choices.values())).n_max, next(iter(choices.values())).n_seeds
    lines = [f"**Which loss weight w, on {METRICS[metric]}.** Per weight: the fitted floor a and the loss at the "
             f"largest N = {n_max:g} (mean over {n_seeds} seeds, 95% t-interval); the excess is that loss minus the "
             "lowest weight's, paired by seed (every weight trains on the same rows). A weight is called best on this "
             "table only when every other weight's excess interval lies above 0.", "",
             "| method | w | floor a | loss at largest N | excess over lowest |", "|---|---|---|---|---|"]
    verdicts = []
    for m, c in choices.items():
        for w, loss_e, excess in zip(c.weights, c.loss_w, c.excess_w, strict=True):
            fit = laws.fits.get((m, w, metric))
            floor = interval_text(fit.a) if fit is not None else "not fitted"
            lines.append(f"| {method_label(m)} | {w:g} | {floor} | {interval_text(loss_e)} "
                         f"| {'lowest' if excess is None else interval_text(excess)} |")
        if c.best is not None:
            verdicts.append(f"- {method_label(m)}: best w on this table: {c.best:g}.")
        else:
            numbers = "; ".join(f"w = {w:g}: {interval_text(e)}" for w, e in zip(c.weights, c.loss_w, strict=True))
            verdicts.append(f"- {method_label(m)}: best w not resolved at these seeds (lowest mean at w = "
                            f"{c.lowest:g}; {numbers}).")
    baselines = baseline_losses(ratio_summary, metric)
    beside = (["Beside them, the baselines that add no rows, from the ratio sweep at its largest imbalance ratio "
               "(their own training rows, the seed plus real majority rows, not this sweep's balanced base): "
               + "; ".join(baselines) + "."] if baselines else
              ["No class-weight or threshold baseline beside them: they run with the ratio sweep, of the imbalance "
               "task only."])
    return lines + [""] + verdicts + [""] + beside + [""]


def one_weight_text(laws) -> list[str]:
    """The line for a run of a single weight: nothing to choose."""
    weights = sorted({w for _, w, _ in laws.fits})
    if len(weights) != 1:
        return []
    return [f"**Which loss weight w.** One weight was run (w = {weights[0]:g}), so none is chosen; the weights "
            "option (e.g. 0.25,0.5,1) runs the augmented arm at each and names the best where the seeds resolve "
            "it. The ratio sweep's augmented arm keeps the paper's w = 0.5.", ""]


def recommendation(fits: dict, seed_size: int, max_n: float) -> list[str]:
    """The rule, and its answer per method on balanced error."""
    lines = ["**How many synthetic rows (AUG-2 law).** Past N the fitted curve can fall by b / N in all. "
             "N_rec = b / se, with se the median standard error of the measured means, is the N beyond which "
             "all further rows together gain less than one standard error; N_rec = 0 when b's 95% interval "
             f"holds 0 or lies below it. N counts rows added to a balanced base of {9 * seed_size} rows "
             f"(b depends on that size, AUG-2: b = c_s − 2 n a). On balanced error:", ""]
    several = len({w for _, w, _ in fits}) > 1
    for (m, w, metric), fit in fits.items():
        if metric != "balanced" or fit is None:
            continue
        where = " (beyond the measured grid: an extrapolation)" if fit.n_rec > max_n else ""
        lines.append(f"- {method_label(m)}{f', w = {w:g}' if several else ''}: N_rec = {fit.n_rec:.0f}{where}; "
                     f"the curve {direction(fit)}.")
    return lines + [""]


def aug4_text(n_maj: int, n_min: int) -> list[str]:
    """AUG-4's answer on a table whose real training rows hold n_maj and n_min rows of the classes,
    and what it would need that a real table does not give."""
    return ["**How many synthetic rows (AUG-4).** In AUG-4's Gaussian model, adding N synthetic minority rows "
            "(w = 1) from a perfect generator is best at balance, N* = n_maj − n_min, and worse past it; a "
            "generator whose mean is off by δ has its best N below balance. On this table's real training rows "
            f"(seed + train: n_maj = {n_maj}, n_min = {n_min}) balance is N* = {n_maj - n_min}. The balanced arm "
            "of every sweep adds exactly this balancing count at its grid point. How far below balance a real "
            "generator's best N lies needs the generator's mean shift δ and the class separation Δ of the "
            "Gaussian model, which synthlaw does not estimate on a real table; the balanced and augmented arms "
            "above are the measured answer.", ""]


def row_noise(r: dict) -> float:
    """The standard error of ours − stored when the two means average other rows (independent seeds)."""
    return float(np.hypot(r["se"], r["stored_se"]))


def comparison_table(rows: list[dict], protocol: str) -> str:
    """Per (method, metric, arm): the largest |ours − stored| over the grid, and where. With
    protocol "jax" our rows are others than the authors', so the two means differ by row draws
    alone with standard error row_noise; the table counts the points within 2 of them."""
    worst = {}
    for r in rows:
        key = (r["method"], r["metric"], r["arm"])
        if key not in worst or abs(r["diff"]) > abs(worst[key]["diff"]):
            worst[key] = r
    other_rows = protocol == "jax"
    lines = ["| method | metric | arm | max abs diff | at i | ours | stored | points |"
             + (" 2 se of row draws there | points within 2 se |" if other_rows else ""),
             "|---|---|---|---|---|---|---|---|" + ("---|---|" if other_rows else "")]
    for (method, metric, arm), r in sorted(worst.items()):
        same = [q for q in rows if (q["method"], q["metric"], q["arm"]) == (method, metric, arm)]
        line = (f"| {method} | {metric} | {arm} | {abs(r['diff']):.4f} | {r['i']} | {r['ours']:.4f} "
                f"| {r['stored']:.4f} | {len(same)} |")
        if other_rows:
            within = sum(abs(q["diff"]) <= 2 * row_noise(q) for q in same)
            line += f" {2 * row_noise(r):.4f} | {within} of {len(same)} |"
        lines.append(line)
    return "\n".join(lines)


def gap_sources(protocol: str) -> str:
    """What a gap to the stored means can come from under the run's protocol."""
    if protocol == "jax":
        return ("With protocol jax our seeds draw other rows than the authors' five seeds did, so part of every "
                "gap is row draws: two means of independent draws differ by about 2 standard errors of row "
                "draws (the last columns) without any other cause. A gap beyond that comes from the solver (see "
                "below) or the method. Protocol paper takes the authors' own rows, where only the solver "
                "differs.")
    return ("With protocol paper our designs take the authors' own rows (their RandomState draws), so row draws "
            "explain none of a gap: it comes from the solver (see below) or floating-point precision.")


def convergence_text(rows: list[dict]) -> list[str]:
    """Which solver fitted our columns, and the compared points where the authors' lbfgs
    (max_iter = 1000, raw features) stopped unconverged, so a gap there is explained."""
    solvers = sorted({r["solver"] for r in rows})
    measured = [r for r in rows if np.isfinite(r["authors_converged"])]
    lines = [f"Our columns were fitted by: {', '.join(solvers)}. "]
    if not measured:
        return [lines[0] + "Whether the authors' fits converged was not measured (needs scikit-learn, and the "
                "logistic classifier).", ""]
    bad = sorted({(r["method"], r["arm"], r["i"], r["authors_converged"]) for r in measured
                  if r["authors_converged"] < 1})
    if not bad:
        return [lines[0] + f"The authors' lbfgs (max_iter = 1000, raw features), rerun on each design, converged "
                f"at every compared point ({len({(r['method'], r['arm'], r['i']) for r in measured})} points).", ""]
    by_arm = {}
    for m, a, i, _ in bad:
        by_arm.setdefault((m, a), []).append(i)
    where = "; ".join(f"{m} {a} at i = {min(i)}-{max(i)} ({len(i)} points)" for (m, a), i in sorted(by_arm.items()))
    worst = min(c for *_, c in bad)
    return [lines[0] + f"**The authors' lbfgs (max_iter = 1000, raw features), rerun on each design, did not "
            f"converge at {len(bad)} of {len({(r['method'], r['arm'], r['i']) for r in measured})} compared "
            f"points** ({where}; as few as {worst:.0%} of a point's seeds converged). There the stored values "
            "are those of an unconverged solver, and a gap to an exact optimum is expected rather than a "
            "disagreement; the solver lbfgs-like-authors reproduces those fits.", ""]


def largest_ratio_table(summary: dict, metric: str = "balanced") -> list[str]:
    """Balanced accuracy at the ratio sweep's largest ratio, every method and arm, best first."""
    first = summary["method"][summary["arm"] == "imbalanced"][0]  # the same rows for every method: once
    last = (summary["i"] == summary["i"].max()) & ((summary["arm"] != "imbalanced") | (summary["method"] == first))
    order = np.argsort(-summary[f"{metric}_mean"][last], kind="stable")
    lines = [f"At the largest imbalance ratio ({summary['x'][last][0]:g}), {metric} accuracy, seed mean ± se, "
             "best first:", "", "| rows | arm | mean | se |", "|---|---|---|---|"]
    for r in np.flatnonzero(last)[order]:
        new_rows = summary["method"][r] != "baseline" and summary["arm"][r] != "imbalanced"
        name = method_label(summary["method"][r]) if new_rows else "no new rows"
        lines.append(f"| {name} | {summary['arm'][r]} | {summary[f'{metric}_mean'][r]:.4f} "
                     f"| {summary[f'{metric}_se'][r]:.4f} |")
    return lines + [""]


def summary_table(summary: dict, metric: str = "balanced") -> str:
    """Every grid point's seed mean and se, with the synthetic loss weight w where the sweep has several."""
    weighted = "weight" in summary
    lines = ["| method | arm | i | x |" + (" w |" if weighted else "") + " mean | se |",
             "|---|---|---|---|" + ("---|" if weighted else "") + "---|---|"]
    for r in range(len(summary["method"])):
        w = (" - |" if np.isnan(summary["weight"][r]) else f" {summary['weight'][r]:g} |") if weighted else ""
        lines.append(f"| {summary['method'][r]} | {summary['arm'][r]} | {summary['i'][r]} | {summary['x'][r]:g} |{w}"
                     f" {summary[f'{metric}_mean'][r]:.4f} | {summary[f'{metric}_se'][r]:.4f} |")
    return "\n".join(lines)


def quality_table(quality) -> list[str]:
    """The synthetic-row quality table (tables/quality.py), one line per generator run and class."""
    lines = ["## Is a synthetic row any good?", "",
             "Per generator and class, against the held-out test rows of that class (never trained on): the "
             "farthest column's distance (Kolmogorov-Smirnov for numbers, total variation for categories) and the "
             "mean over columns; the mean gap between the real and synthetic pairwise associations (Spearman, "
             "Cramér's V, correlation ratio); a classifier two-sample test, the held-out AUC of a logistic fit "
             "telling real from synthetic rows (0.5: indistinguishable; it sees each column's law more than their "
             "dependence); and the median distance to the closest training row (Gower: numbers by range, "
             "categories 0/1) of the synthetic rows against that of the held-out real rows, with the share of "
             "synthetic rows that copy a training row exactly beside the same share of held-out real rows (on a "
             "table of coarse columns real rows repeat too; random oversampling copies by design); and the share "
             "of the rows that a class-weighted logistic fit on the real training rows assigns to their class, "
             "against the same share of held-out real rows (**poor**: below 3/4 of it "
             "and by more than 3 standard errors).", "",
             "| rows | class | farthest column | mean column distance | association gap | two-sample AUC "
             "| closest-row distance: synthetic / held-out | exact copies of a training row: synthetic / held-out "
             "| classed as their class: synthetic / held-out |", "|---|---|---|---|---|---|---|---|---|"]
    for r in quality:
        q = r.quality
        lines.append(f"| {method_label(r.name)} | {r.label} | {r.worst_column} {q.worst_distance:.3f} "
                     f"| {q.mean_distance:.3f} | {q.association_gap:.3f} | {q.c2st_auc:.3f} "
                     f"| {q.dcr_synthetic:.3f} / {q.dcr_holdout:.3f} "
                     f"| {q.copy_share:.1%} / {q.holdout_copy_share:.1%} "
                     f"| {r.plausibility.synthetic:.0%} / {r.plausibility.real:.0%}"
                     f"{' **poor**' if r.plausibility.poor else ''} |")
    return lines + [""]


def checkpoint_lines(trained: list) -> list[str]:
    """Which model each trained generator kept and why (models/tabular_transformer.py train_tabular
    keeps the model after the evaluation with the lowest held-out loss, the last one on a tie), and a
    warning when the held-out loss rose after it: the model had begun to fit its rows' noise."""
    lines = []
    for f in trained:
        n_steps, held_b = len(f.loss_s), np.asarray(f.holdout_loss_b)
        if not len(held_b):
            lines.append(f"- {method_label(f.name)}, {f.task} task: no rows held out; the model after the last "
                         f"of {n_steps} steps was kept.")
            continue
        best = len(held_b) - 1 - int(np.argmin(held_b[::-1]))
        line = (f"- {method_label(f.name)}, {f.task} task: kept the model after evaluation {best + 1} of "
                f"{len(held_b)} (about step {round((best + 1) * n_steps / len(held_b))} of {n_steps}), the lowest "
                f"held-out loss ({held_b[best]:.3f} nats per token)")
        if best < len(held_b) - 1:
            line += (f"; the held-out loss then rose to {held_b[-1]:.3f} at the last step: "
                     "the model was fitting its rows' noise (overfitting; fitting on more rows, e.g. "
                     "fit on use, or fewer steps, helps)")
        lines.append(line + ".")
    return lines + [""]


def write_paper_report(results: dict, out_dir: Path, run_info: dict, *, notes=(), fits=(),
                       class_counts: tuple | None = None, quality=()) -> Path:
    """results[(task, sweep)] = (columns, summary, comparison rows, laws: tables/law.py Laws with
    fits {(method, weight, metric): fit or None} and weight choices {(method, metric): choice or
    None}, None for the ratio sweep); PNGs and report.md into out_dir. notes: lines on the input
    (split, warnings); fits: the generators fitted (records with name, task, reused, seconds,
    loss_s, holdout_loss_b); class_counts: (majority, minority) real training rows, for AUG-4;
    quality: the synthetic-row quality records (name, label, quality, worst_column, plausibility)."""
    out_dir = Path(out_dir)
    lines = ["# synthlaw paper report", "", INTRO, "Run: " + ", ".join(f"{k}: {v}" for k, v in run_info.items()), ""]
    if notes:
        lines += ["## Input", ""] + [f"- {n}" for n in notes] + [""]
    if fits:
        lines += ["## Generators fitted on the table", "", "| rows | task | fitted or reused | seconds |",
                  "|---|---|---|---|"]
        lines += [f"| {method_label(f.name)} | {f.task} | {'reused (cache key matched)' if f.reused else 'fitted'} "
                  f"| {f.seconds:.1f} |" for f in fits]
        lines += ["", "Files: data/{name}0.csv, {name}1.csv (and _pos, _neg), cached under data/generated.json by "
                  "a hash of the method, fit-on rows, task, seed, row counts and synthlaw's source.", ""]
        trained = [f for f in fits if len(f.loss_s)]
        if trained:
            write_atomic(out_dir / "generator_loss.png", png_bytes(figure_losses, trained))
            lines += ["![generator training loss](generator_loss.png)", ""] + checkpoint_lines(trained)
    if quality:
        lines += quality_table(quality)
    seed_size = int(run_info.get("seed size", 200))
    for (task, sweep), (columns, summary, rows, law) in results.items():
        name = f"{task}_{sweep}"
        lines += [f"## {task}: {sweep} sweep", ""]
        for metric in METRICS:
            image = png_bytes(figure_ratio, summary, rows, task, metric) if law is None else \
                png_bytes(figure_augmentation, summary, rows, law.fits, task, metric)
            write_atomic(out_dir / f"{name}_{metric}.png", image)
            lines += [f"![{name} {metric}]({name}_{metric}.png)", ""]
            if law is not None:
                ratio = results.get((task, "ratio"))  # its baselines that add no rows, beside the weights
                lines += law_table(law.fits, metric) + [""] + \
                    weight_table(law, metric, None if ratio is None else ratio[1])
        if sweep == "ratio":
            lines += largest_ratio_table(summary)
        if law is not None:
            lines += one_weight_text(law) + recommendation(law.fits, seed_size, float(columns["n_synthetic"].max()))
            if class_counts is not None and task == "imbalance":
                lines += aug4_text(*class_counts)
        if rows:
            lines += [f"Against the authors' stored `{run_info.get('stored results', 'log')}` results (largest "
                      "difference over the grid; "
                      "`*_log_cross` compare log cross-entropies). " + gap_sources(run_info.get("protocol", "jax")),
                      "", comparison_table(rows, run_info.get("protocol", "jax")), ""]
            lines += convergence_text(rows)
        else:
            lines += [f"No stored `{run_info.get('stored results', 'log')}` results for this sweep in the data "
                      "folder.", ""]
        lines += ["<details><summary>balanced accuracy, every grid point</summary>", "",
                  summary_table(summary), "", "</details>", ""]
    path = out_dir / "report.md"
    write_atomic(path, "\n".join(lines))
    return path
