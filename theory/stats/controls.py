"""Regression control variates over seeds: a value less its least-squares fit on controls whose means are known
exactly, so that it keeps its mean and loses the spread they explain. IMB-6 uses them twice: in its SMOTE law's
Monte Carlo (predictions.smote_law) and on its measured excesses, whose controls are the score of copies
(claims/imb6.py, figures/smote.py)."""

import numpy as np

CONTROL_PREFIX = "control_"  # a table's columns named so are controls with mean exactly 0


def regression_control(values_r, control_rc, control_mean_c) -> np.ndarray:
    """values_r - (control_rc - control_mean_c) b with b the least-squares coefficients of values on the controls
    (one, or several in columns), estimated from the same draws (the regression control variate: its bias is
    O(c/r) for c controls, below its standard error sd/sqrt(r))."""
    values_r = np.asarray(values_r, np.float64)
    deviation_rc = (np.asarray(control_rc, np.float64) - control_mean_c).reshape(len(values_r), -1)
    centred_rc = deviation_rc - deviation_rc.mean(axis=0)
    b_c = np.linalg.lstsq(centred_rc, values_r - values_r.mean(), rcond=None)[0]
    return values_r - deviation_rc @ b_c


def regression_controlled(columns: dict, value: str, groups: tuple[str, ...]) -> np.ndarray:
    """Per row, columns[value] less its regression on the table's control columns (CONTROL_PREFIX), fitted within
    each distinct combination of the group columns (a grid point: its seeds are the draws)."""
    names = [c for c in columns if c.startswith(CONTROL_PREFIX)]
    if not names:
        raise ValueError(f"regression_controlled: the table has no {CONTROL_PREFIX}* columns (measured before its "
                         "claim had controls: measure it again)")
    out = np.asarray(columns[value], np.float64).copy()
    controls_rc = np.stack([np.asarray(columns[c], np.float64) for c in names], axis=1)
    keys = [np.unique(np.asarray(columns[g]), return_inverse=True)[1] for g in groups]
    point_r = np.ravel_multi_index(keys, [k.max() + 1 for k in keys])
    for point in np.unique(point_r):
        rows = point_r == point
        out[rows] = regression_control(out[rows], controls_rc[rows], 0.0)
    return out
