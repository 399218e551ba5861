"""Real-table metrics against scikit-learn on hand-made cases, with and without jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, balanced_accuracy_score, log_loss
from sklearn.utils.class_weight import compute_class_weight

from synthlaw.tables.metrics import all_metrics

Y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0])
Z = np.array([-2.0, -0.5, 0.3, -1.0, -3.0, 0.8, 1.5, -0.2, 2.0, -0.1, 0.4, -4.0])
S = np.array([0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1])


def reference(y, z, group, minority):
    prob = 1.0 / (1.0 + np.exp(-z))
    pred = (z > 0).astype(int)
    weight = compute_class_weight("balanced", classes=np.unique(y), y=y)[y]
    return {"balanced": balanced_accuracy_score(y, pred),
            "min": accuracy_score(y[minority], pred[minority]),
            "worst": min(accuracy_score(y[group == g], pred[group == g]) for g in np.unique(group)),
            "balanced_ce": log_loss(y, np.stack([1 - prob, prob], 1), sample_weight=weight),
            "min_ce": log_loss(y[minority], np.stack([1 - prob, prob], 1)[minority], labels=[0, 1])}


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.parametrize("task", ["imbalance", "spurious"])
def test_metrics_match_scikit_learn(jit, task):
    if task == "imbalance":
        group, n_groups, minority = Y, 2, Y == 1
    else:
        group, n_groups, minority = 2 * S + Y, 4, S == Y
    fn = jax.jit(all_metrics, static_argnames="n_groups") if jit else all_metrics
    with jax.enable_x64(True):
        ours = fn(jnp.asarray(Y), jnp.asarray(Z), jnp.asarray(group), jnp.asarray(minority), n_groups=n_groups)
    for name, value in reference(Y, Z, group, minority).items():
        assert float(ours[name]) == pytest.approx(value, rel=1e-10), name


def test_an_empty_group_counts_as_zero_and_ties_predict_zero():
    y, z = jnp.array([0, 1, 1]), jnp.array([0.0, 0.0, 5.0])
    out = all_metrics(y, z, jnp.array([0, 1, 1]), y == 1, n_groups=3)
    assert float(out["worst"]) == 0.0  # group 2 is empty
    assert float(out["min"]) == 0.5 and float(out["balanced"]) == 0.75
