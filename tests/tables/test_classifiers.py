"""tables/classifiers: the fit records, the optional extra, and scores through the JAX scorer."""

import subprocess
import sys

import numpy as np
import pytest

from synthlaw.settings import ConfigError
from synthlaw.tables.classifiers import (
    AUTHORS_LBFGS,
    EXACT,
    RANDOM_FOREST,
    XGBOOST,
    fit_designs,
    fit_for,
    probability_logits,
)
from synthlaw.tables.metrics import all_metrics

FITS = {"rf": RANDOM_FOREST, "xgb": XGBOOST}


def test_each_pair_names_one_fit_and_the_solver_only_for_logistic():
    assert fit_for("logistic", None) is EXACT and fit_for("logistic", "exact") is EXACT
    assert fit_for("logistic", "lbfgs-like-authors") is AUTHORS_LBFGS
    assert fit_for("rf", None) is RANDOM_FOREST and fit_for("xgb", None) is XGBOOST
    for bad, message in ((("svm", None), "classifier = 'svm': allowed: logistic, rf, xgb"),
                         (("logistic", "newton"), "solver = 'newton': allowed: exact, lbfgs-like-authors"),
                         (("xgb", "exact"), "solver = 'exact': applies to the logistic classifier only, not 'xgb'")):
        with pytest.raises(ConfigError) as raised:
            fit_for(*bad)
        assert str(raised.value) == message


BLOCKED = """
import sys
sys.modules["xgboost"] = None  # as if the extra were not installed
from synthlaw.tables import sweeps as paper_sweeps  # the core imports without it
from synthlaw.cli import main
sys.exit(main(["paper", "--data", ".", "--label", "y", "--classifier", "xgb"]))
"""


def test_missing_extra_is_one_line_naming_it():
    done = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == ("synthlaw: error: --classifier = 'xgb': needs xgboost, the optional extra: "
                                   "pip install -e '.[paper]'")
    assert EXACT.missing() == []


def test_clipped_logits_score_like_sklearn_log_loss():
    """Probabilities of exactly 0 and 1 (trees): all_metrics on the clipped logits equals
    scikit-learn's class-weighted log_loss and balanced accuracy on the probabilities."""
    import jax
    from sklearn.metrics import balanced_accuracy_score, log_loss
    from sklearn.utils.class_weight import compute_class_weight

    rng = np.random.default_rng(0)
    y_t = rng.integers(0, 2, 400)
    p_t = np.clip(np.round(0.5 * y_t + 0.7 * rng.random(400), 2), 0.0, 1.0)  # holds exact 0s and 1s
    p_t[:3], y_t[:3] = [0.0, 1.0, 0.5], [1, 0, 1]  # confident mistakes and a tie
    for dtype in (np.float64, np.float32):
        z_t = probability_logits(p_t.astype(dtype))
        assert np.isfinite(z_t).all()
        with jax.enable_x64(True):
            got = all_metrics(y_t, z_t, y_t, y_t == 1, 2)
        weight_t = compute_class_weight("balanced", classes=np.array([0, 1]), y=y_t)[y_t]
        proba_t2 = np.column_stack([1 - p_t, p_t]).astype(dtype)
        assert float(got["balanced_ce"]) == pytest.approx(log_loss(y_t, proba_t2, sample_weight=weight_t), rel=1e-6)
        minority_ce = log_loss(y_t[y_t == 1], proba_t2[y_t == 1], labels=[0, 1])
        assert float(got["min_ce"]) == pytest.approx(minority_ce, rel=1e-6)
        assert float(got["balanced"]) == pytest.approx(balanced_accuracy_score(y_t, proba_t2.argmax(1)), abs=1e-12)


@pytest.mark.parametrize("name", ["rf", "xgb"])
def test_tree_fits_are_seeded_and_use_the_weights(name):
    rng = np.random.default_rng(1)
    x_nd = rng.standard_normal((300, 3))
    y_n = (x_nd[:, 0] + 0.5 * rng.standard_normal(300) > 0).astype(int)
    index_r, seed_r = [np.arange(200)] * 3, [1, 1, 2]
    weight_r = [np.ones(200), np.ones(200), np.ones(200)]
    z_rt, converged_r = fit_designs(FITS[name], x_nd, y_n, index_r, weight_r, seed_r, x_nd[200:], n_jobs=1)
    assert np.isnan(converged_r).all()
    np.testing.assert_array_equal(z_rt[0], z_rt[1])  # same seed, same fit
    heavy = [np.where(y_n[:200] == 1, 10.0, 1.0)]
    z_heavy = fit_designs(FITS[name], x_nd, y_n, [np.arange(200)], heavy, [1], x_nd[200:], n_jobs=1)[0]
    assert (z_heavy[0] > 0).mean() > (z_rt[0] > 0).mean()  # weighting label 1 up predicts it more
