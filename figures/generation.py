"""Figures of the generation claims (GEN in CLAIMS), drawn from a claim's table and prediction."""

import numpy as np

from synthlaw.figures.style import PREDICTION, RIVAL, label_grid, measured, panels
from synthlaw.theory.stats.intervals import means_by

GEN2_PANELS = (("kl", "Gaussian-fit KL to the truth"), ("frechet", "Frechet distance (squared)"),
               ("mmd2", "MMD^2 to a true-law sample"), ("memorisation", "memorisation rate"),
               ("excess", "balanced 0-1 excess"))


def figure_gen1(outcome):
    """GEN-1: the transformer's expected KL against context length t, log-log, over KL_Bayes(t)."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax,) = panels(1)
    t_g, est = means_by(cols, "kl", "t", cols["t"] >= 1)
    measured(ax, t_g, est, "transformer")
    ax.plot(t_g, pred["kl_bayes"][t_g], **{**PREDICTION, "label": "KL_Bayes(t)"})
    ax.axhline(pred["kl_prior"], **RIVAL, label="rival: ignores context")
    ax.set(xscale="log", yscale="log", xlabel="context length t (points read)",
           ylabel="expected KL(truth || model)", title="GEN-1: in-context generation")
    label_grid(ax, [t for t in (1, 2, 4, 8, 16, 32, 64, 128) if t <= t_g[-1]])
    ax.legend()
    return fig


def figure_gen2(outcome):
    """GEN-2: each quality number and the downstream excess per generator, one marker per d, 95% intervals."""
    cols, cfg = outcome.columns, outcome.config
    generators = list(dict.fromkeys(cols["generator"]))
    fig, axes = panels(len(GEN2_PANELS))
    offsets_d = np.linspace(-0.2, 0.2, len(cfg.d)) if len(cfg.d) > 1 else [0.0]
    for ax, (metric, title) in zip(axes, GEN2_PANELS, strict=True):
        for j, (d, offset) in enumerate(zip(cfg.d, offsets_d, strict=True)):
            est = [means_by(cols, metric, "d", (cols["generator"] == g) & (cols["d"] == d))[1][0]
                   for g in generators]
            measured(ax, np.arange(len(generators)) + offset, est, f"d = {d}", color=f"C{j}")
        ax.set_xticks(range(len(generators)), generators, rotation=30)
        ax.set(title=f"GEN-2: {title}")
    axes[3].axhline(0.5, color="grey", linestyle=":", label="about 0.5: fresh draws")
    axes[4].axhline(outcome.prediction["no_oversampling"], color="grey", linestyle=":",
                    label="E(rho, Delta): no oversampling")
    for ax in axes[3:]:
        ax.legend()
    axes[0].legend()
    return fig

