"""The paper report's account of the trained generators' kept checkpoints (figures/paper_report.py)."""

from typing import NamedTuple

import numpy as np

from synthlaw.figures.paper_report import checkpoint_lines, comparison_table, gap_sources


class Fit(NamedTuple):
    name: str
    task: str
    loss_s: np.ndarray
    holdout_loss_b: np.ndarray


def test_the_kept_checkpoint_is_the_lowest_held_out_loss_and_a_later_rise_is_named():
    rising = Fit("transformer_seed", "imbalance", np.ones(500), np.array([3.0, 2.5, 2.1, 2.4, 2.9]))
    line = checkpoint_lines([rising])[0]
    assert "evaluation 3 of 5 (about step 300 of 500)" in line and "(2.100 nats" in line
    assert "rose to 2.900" in line and "overfitting" in line


def test_a_falling_held_out_loss_keeps_the_last_model_without_a_warning():
    falling = Fit("transformer_use", "imbalance", np.ones(400), np.array([3.0, 2.0, 2.0, 1.5]))
    line = checkpoint_lines([falling])[0]
    assert "evaluation 4 of 4 (about step 400 of 400)" in line and "rose" not in line


def test_a_tie_keeps_the_later_model_as_training_does():
    tied = Fit("transformer_use", "imbalance", np.ones(300), np.array([2.0, 1.5, 1.5]))
    assert "evaluation 3 of 3" in checkpoint_lines([tied])[0]


def test_no_held_out_rows_keeps_the_last_model():
    line = checkpoint_lines([Fit("transformer_use", "imbalance", np.ones(200), np.array([]))])[0]
    assert "no rows held out" in line and "last of 200 steps" in line


def point(i: int, diff: float) -> dict:
    return {"method": "smote", "metric": "balanced", "arm": "balanced", "i": i, "ours": 0.8 + diff, "stored": 0.8,
            "diff": diff, "se": 0.003, "stored_se": 0.004}  # row-draw se: hypot(0.003, 0.004) = 0.005


def test_under_protocol_jax_the_table_counts_the_gaps_that_row_draws_explain():
    rows = [point(1, 0.009), point(2, -0.03), point(3, 0.002)]  # |diff| <= 2 x 0.005: the first and the last
    table = comparison_table(rows, "jax")
    assert "| smote | balanced | balanced | 0.0300 | 2 | 0.7700 | 0.8000 | 3 | 0.0100 | 2 of 3 |" in table
    assert "other rows" in gap_sources("jax") and "own rows" in gap_sources("paper")


def test_under_protocol_paper_row_draws_are_not_offered_as_a_cause():
    table = comparison_table([point(1, 0.009)], "paper")
    assert "row draws" not in table and table.splitlines()[-1].endswith("| 1 |")
