"""Figures of the generation claims (GEN in CLAIMS), drawn from a claim's table and prediction."""

import numpy as np

from synthlaw.figures.style import NONNEGATIVE, PREDICTION, RIVAL, label_grid, legend_outside, measured, panels
from synthlaw.theory.stats.intervals import means_by

# (column, title, range of the quantity): every one is >= 0 (the unbiased MMD^2 estimate of one seed may
# fall below 0, the population MMD^2 may not) and a rate is <= 1; the intervals are cut to the range.
GEN2_PANELS = (("kl", "Gaussian-fit KL to the truth", NONNEGATIVE),
               ("frechet", "Frechet distance (squared)", NONNEGATIVE),
               ("mmd2", "MMD^2 to a true-law sample", NONNEGATIVE),
               ("memorisation", "memorisation rate", (0.0, 1.0)),
               ("excess", "balanced 0-1 excess", NONNEGATIVE))


def figure_gen1(outcome):
    """GEN-1: the transformer's expected KL against context length t, log-log, over KL_Bayes(t)."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax,) = panels(1)
    t_g, est = means_by(cols, "kl", "t", cols["t"] >= 1)
    measured(ax, t_g, est, "transformer", bounds=NONNEGATIVE)
    ax.plot(t_g, pred["kl_bayes"][t_g], **{**PREDICTION, "label": "KL_Bayes(t)"})
    ax.axhline(pred["kl_prior"], **RIVAL, label="rival: ignores context")
    ax.set(xscale="log", yscale="log", xlabel="context length t (points read)",
           ylabel="expected KL(truth || model)", title="GEN-1: in-context generation")
    label_grid(ax, [t for t in (1, 2, 4, 8, 16, 32, 64, 128) if t <= t_g[-1]])
    legend_outside(fig)
    return fig


def figure_gen2(outcome):
    """GEN-2: each quality number and the downstream excess per generator, one marker per d, 95% t-intervals
    over seeds cut to the quantity's range (GEN-2 is reported: no check builds an interval of its own)."""
    cols, cfg = outcome.columns, outcome.config
    generators = list(dict.fromkeys(cols["generator"]))
    fig, axes = panels(len(GEN2_PANELS))
    offsets_d = np.linspace(-0.2, 0.2, len(cfg.d)) if len(cfg.d) > 1 else [0.0]
    for ax, (metric, title, bounds) in zip(axes, GEN2_PANELS, strict=True):
        for j, (d, offset) in enumerate(zip(cfg.d, offsets_d, strict=True)):
            est = [means_by(cols, metric, "d", (cols["generator"] == g) & (cols["d"] == d))[1][0]
                   for g in generators]
            measured(ax, np.arange(len(generators)) + offset, est, f"d = {d}", color=f"C{j}", bounds=bounds)
        ax.set_xticks(range(len(generators)), generators, rotation=30)
        ax.set(title=f"GEN-2: {title}")
    axes[3].axhline(0.5, color="grey", linestyle=":", label="memorisation about 0.5: fresh draws")
    axes[4].axhline(outcome.prediction["no_oversampling"], color="grey", linestyle="-.",
                    label="excess E(rho, Delta): no oversampling")
    for ax, (_, _, (lo, _)) in zip(axes, GEN2_PANELS, strict=True):
        ax.set_ylim(bottom=lo)  # after drawing: set_ylim stops the autoscaling
    legend_outside(fig, title="95% intervals cut at 0 (a rate also at 1):\nthe quantity lies inside, "
                              "so the cut keeps the level")
    return fig

