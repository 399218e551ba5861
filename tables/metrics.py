"""Test-set metrics of a fitted classifier on a real table (the paper's `log` results).

Inputs: labels y_t in {0, 1}, logits z_t (the prediction is 1 where z_t > 0, as scikit-learn's
predict), groups g_t in 0..n_groups-1 and a minority mask m_t. Cross-entropies use log_sigmoid,
so no probability is clipped.
"""

import jax
import jax.numpy as jnp


def class_mean(value_t, mask_t):
    """Mean of value_t over the rows where mask_t is true (nan when there are none)."""
    mask_t = mask_t.astype(value_t.dtype)
    return (value_t * mask_t).sum() / mask_t.sum()


def balanced_accuracy(y_t, z_t):
    """Mean over the two classes of the per-class accuracy (sklearn balanced_accuracy_score)."""
    correct_t = ((z_t > 0) == (y_t == 1)).astype(z_t.dtype)
    return 0.5 * (class_mean(correct_t, y_t == 0) + class_mean(correct_t, y_t == 1))


def minority_accuracy(y_t, z_t, m_t):
    """Accuracy on the minority rows m_t (label-1 rows for class imbalance)."""
    correct_t = ((z_t > 0) == (y_t == 1)).astype(z_t.dtype)
    return class_mean(correct_t, m_t)


def worst_group_accuracy(y_t, z_t, g_t, n_groups: int):
    """Lowest accuracy over the groups 0..n_groups-1 (an empty group counts as 0, as the paper's)."""
    correct_t = ((z_t > 0) == (y_t == 1)).astype(z_t.dtype)
    in_gt = g_t[None, :] == jnp.arange(n_groups)[:, None]
    count_g = in_gt.sum(axis=1)
    acc_g = (in_gt * correct_t[None, :]).sum(axis=1) / jnp.maximum(count_g, 1)
    return jnp.min(jnp.where(count_g > 0, acc_g, 0.0))


def cross_entropy_t(y_t, z_t):
    """Per-row log-loss -log p(y | z)."""
    return -jnp.where(y_t == 1, jax.nn.log_sigmoid(z_t), jax.nn.log_sigmoid(-z_t))


def balanced_cross_entropy(y_t, z_t):
    """Class-weighted log-loss with weights n / (2 n_c): the mean of the two per-class means.

    sklearn: log_loss(y, p, sample_weight=compute_class_weight('balanced', ...)[y]).
    """
    ce_t = cross_entropy_t(y_t, z_t)
    return 0.5 * (class_mean(ce_t, y_t == 0) + class_mean(ce_t, y_t == 1))


def minority_cross_entropy(y_t, z_t, m_t):
    """Mean log-loss over the minority rows m_t."""
    return class_mean(cross_entropy_t(y_t, z_t), m_t)


def all_metrics(y_t, z_t, g_t, m_t, n_groups: int) -> dict:
    """Every metric of one fitted classifier, as scalars."""
    return {"balanced": balanced_accuracy(y_t, z_t),
            "min": minority_accuracy(y_t, z_t, m_t),
            "worst": worst_group_accuracy(y_t, z_t, g_t, n_groups),
            "balanced_ce": balanced_cross_entropy(y_t, z_t),
            "min_ce": minority_cross_entropy(y_t, z_t, m_t)}
