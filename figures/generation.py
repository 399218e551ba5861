"""Figures of the generation claims (GEN in CLAIMS), drawn from a claim's table and prediction."""

from synthlaw.figures.style import PREDICTION, label_grid, measured, panels, seed_estimates


def figure_gen1(outcome):
    """GEN-1: the transformer's expected KL against context length t, log-log, over KL_Bayes(t)."""
    cols, pred = outcome.columns, outcome.prediction
    fig, (ax,) = panels(1)
    t_g, est = seed_estimates(cols, "kl", "t", cols["t"] >= 1)
    measured(ax, t_g, est, "transformer")
    ax.plot(t_g, pred["kl_bayes"][t_g], **{**PREDICTION, "label": "KL_Bayes(t)"})
    ax.axhline(pred["kl_prior"], color="grey", linestyle=":", label="rival: ignores context")
    ax.set(xscale="log", yscale="log", xlabel="context length t (points read)",
           ylabel="expected KL(truth || model)", title="GEN-1: in-context generation")
    label_grid(ax, [t for t in (1, 2, 4, 8, 16, 32, 64, 128) if t <= t_g[-1]])
    ax.legend()
    return fig


FIGURES = {"GEN-1": figure_gen1}
