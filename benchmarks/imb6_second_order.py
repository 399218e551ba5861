"""IMB-6 beyond first order: SMOTE's O(n^-2) excess term in all four parts, against ROS's exact one.

    python benchmarks/imb6_second_order.py d k [data_sets [seed [n_min]]]

Prints theory/predictions/smote_second_order.py's term and its parts, with its routes' own checks: the
copies' Monte Carlo term against its exact value, and grad R . a2's mean against SMOTE's first-order drift.
Beside it: ROS's exact O(n^-2) term (at the Bayes rule), SMOTE's first-order terms and the gap's whole O(n^-2)
part. Seconds at d <= 4; about half a minute at d = 8 (idle 2-core VM, 2026-12-05).
"""

import sys

from synthlaw.theory.predictions import smote_law
from synthlaw.theory.predictions.oversampling import random_oversampling_excess, random_oversampling_second_order
from synthlaw.theory.predictions.smote_second_order import smote_second_order

RHO, SEPARATION = 4, 2.0


def main(d: int, k: int, data_sets: int = 16000, seed: int = 1, n_min: int = 100):
    n_maj = RHO * n_min
    first = smote_law.smote_excess(d, SEPARATION, n_min, n_maj, k)
    term = smote_second_order(d, SEPARATION, n_min, n_maj, k, first.theta_star, data_sets, seed)
    ros = random_oversampling_second_order(d, SEPARATION, n_min, n_maj)
    gap = first.terms.total - random_oversampling_excess(d, SEPARATION, n_min, n_maj).total
    print(f"d = {d}, k = {k}, n_min = {n_min}, {data_sets} data sets, seed {seed}")
    print(f"SMOTE O(n^-2) (three terms): {term.three:.3e} (jackknife se {term.three_se:.1e}) "
          f"= {term.three / first.terms.total:+.4f} of SMOTE's first order {first.terms.total:.4e}")
    print(f"SMOTE grad R . b2: {term.drift_second:.3e} (se {term.drift_second_se:.1e}) = "
          f"{term.drift_second / first.terms.drift:+.4f} of its first-order drift {first.terms.drift:.3e}; "
          f"grad R . a2's mean there {term.drift_first:.3e} (se {term.drift_first_se:.1e})")
    print(f"SMOTE O(n^-2), all four terms: {term.total:.3e} (se {term.se:.1e}) "
          f"= {term.total / first.terms.total:+.4f} of its first order")
    print(f"the copies at SMOTE's theta*, the Monte Carlo route's own check: {term.copies_mc:.3e} (jackknife se "
          f"{term.copies_mc_se:.1e}) from data sets, {term.copies_exact:.3e} exact")
    print(f"ROS O(n^-2) (exact): {ros:.3e}; the gap's O(n^-2) part (SMOTE - ROS): {term.total - ros:+.3e} (se "
          f"{term.se:.1e}) = {(term.total - ros) / gap:+.4f} of its first order {gap:.3e}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:6]))
