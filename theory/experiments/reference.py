"""The score at a reference theta, for control variates (AUG-4, AUG-5): each grid point may carry theta_ref,
and the replicate then also returns the fit's loss gradient over the same rows at that theta."""

import jax
import jax.numpy as jnp
import numpy as np


def reference_columns(points: list[dict], d: int) -> dict:
    """Grid columns theta_ref_0..theta_ref_d from points that carry theta_ref (d + 1 values: the weights and
    the intercept); empty when none does. ValueError when only some do, or a theta_ref has another length."""
    carrying = sum("theta_ref" in p for p in points)
    if carrying not in (0, len(points)):
        raise ValueError(f"theta_ref: {carrying} of {len(points)} points carry one; all or none must")
    if not carrying:
        return {}
    reference_gp = np.array([p["theta_ref"] for p in points], dtype=float)
    if reference_gp.shape[1] != d + 1:
        raise ValueError(f"theta_ref: must hold d + 1 = {d + 1} values (the weights and the intercept)")
    return {f"theta_ref_{k}": reference_gp[:, k] for k in range(d + 1)}


def score_at_reference(point, x_nd, y_n, weight_n):
    """sum_i weight_i (sigmoid(theta_ref . (x_i, 1)) - y_i) (x_i, 1): the loss gradient at the point's theta_ref."""
    d = x_nd.shape[1]
    theta_p = jnp.stack([point[f"theta_ref_{k}"] for k in range(d + 1)]).astype(x_nd.dtype)
    residual_n = weight_n * (jax.nn.sigmoid(x_nd @ theta_p[:-1] + theta_p[-1]) - y_n)
    return jnp.append(x_nd.T @ residual_n, residual_n.sum())


def score_columns(columns: dict, p: int):
    """Per row, theta_ref (rows x p) and the score there (rows x p, float64), from a sweep's tidy columns."""
    reference_rp = np.stack([columns[f"theta_ref_{k}"] for k in range(p)], axis=1)
    return reference_rp, np.stack([columns[f"score_{k}"] for k in range(p)], axis=1).astype(np.float64)


def point_rows(columns: dict, keys: tuple[str, ...]):
    """(values, rows) for each distinct combination of the columns named in keys, rows a boolean mask."""
    points = np.stack([np.asarray(columns[k]) for k in keys], axis=1)
    for values in np.unique(points, axis=0):
        yield tuple(values), np.all(points == values, axis=1)
