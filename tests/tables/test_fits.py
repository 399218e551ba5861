"""The paper sweeps' fits: size buckets, the authors' unconverged lbfgs, and the library classifiers'
scores (tables/classifiers.py, tables/sweeps.py)."""

import shutil
import tempfile
from pathlib import Path

import jax
import numpy as np
import pytest

from synthlaw.figures.paper_report import convergence_text
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.tables import sweeps as paper_sweeps
from synthlaw.tables.classifiers import AUTHORS_LBFGS, EXACT
from synthlaw.tables.read import load_tables
from synthlaw.tables.rows import PAPER_SEEDS, paper_take, ratio_designs
from synthlaw.tables.stored import compare_stored, summarise

DATA = Path(__file__).parents[2] / ".." / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "gender").is_dir(), reason=f"shared data folder {DATA} missing")
SCALED = "distance_nose_to_lip_long"  # gender's column that, times 1e5, stalls lbfgs at max_iter 1000


def test_buckets_cover_every_design_once_within_the_stated_bound():
    rng = np.random.default_rng(0)
    sizes_r = np.r_[rng.integers(200, 6000, 300), 100_000]
    buckets = paper_sweeps.size_buckets(sizes_r, 50)
    assert sorted(np.concatenate(buckets).tolist()) == list(range(len(sizes_r)))
    assert len(buckets) <= paper_sweeps.bucket_bound(sizes_r)
    # the one design of 100 000 rows gets its own bucket: nobody else is padded to it
    assert [len(b) for b in buckets if sizes_r[b].max() == 100_000] == [1]
    assert paper_sweeps.size_buckets(sizes_r, 50, pad_to_largest=True)[0].tolist() == list(range(len(sizes_r)))


def test_the_sweeps_refuse_to_run_below_float64():
    """Precision is the caller's choice (the runner enables float64); run_designs says so, rather
    than fitting in float32."""
    with pytest.raises(RuntimeError, match=r"float64: call it inside `with jax.enable_x64\(True\)`"):
        paper_sweeps.run_designs(None, [], "imbalance", options=SweepOptions(), name="none")


def test_small_spread_stays_one_compile():
    """Sizes 200..2600 (the ratio sweep): padding costs less than a second compile."""
    assert len(paper_sweeps.size_buckets(np.arange(200, 2601, 100), 7)) == 1


def scaled_folder(tmp: Path) -> Path:
    """gender's files with SCALED multiplied by 1e5 (test, train and synthetic rows alike)."""
    for stem in ("seed", "train", "train0", "train1", "test", "synthetic_allseed0", "synthetic_allseed1"):
        lines = (DATA / "gender" / f"{stem}.csv").read_text().splitlines()
        j = lines[0].split(",").index(SCALED)
        rows = [",".join(repr(float(c) * 1e5) if k == j else c for k, c in enumerate(line.split(",")))
                for line in lines[1:]]
        (tmp / f"{stem}.csv").write_text("\n".join([lines[0], *rows]) + "\n")
    for stored in (DATA / "gender").glob("imbalanced_class_vary_ratio_log_synthetic_allseed_*.json"):
        shutil.copy(stored, tmp)  # into a temporary folder only: the stored results the report explains
    return tmp


@needs_data
@pytest.mark.slow  # 30 s idle, 110 s on the loaded 2-core machine
def test_authors_lbfgs_is_flagged_unconverged_on_a_badly_scaled_column_and_matches_sklearn():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score

    with tempfile.TemporaryDirectory() as tmp:
        tables = load_tables(scaled_folder(Path(tmp)), "gender", methods=["synthetic_allseed"])
        n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
        designs = [d for d in ratio_designs(n_rows, "synthetic_allseed", "imbalance", 200, PAPER_SEEDS, paper_take)
                   if d.tags["i"] in (8, 9) and d.tags["arm"] == "balanced"]
        with jax.enable_x64(True):
            authors = paper_sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(), name="authors",
                                               fit=AUTHORS_LBFGS).columns
            exact = paper_sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(), name="exact",
                                             authors_check=True).columns
        report = "".join(convergence_text(compare_stored(summarise(exact), Path(tmp), "ratio", "imbalance", EXACT)))
    assert "did not converge at 2 compared points" in report and "i = 8" in report and "i = 9" in report
    assert 0 < authors["authors_converged"].sum() < len(designs)  # measured: 4 of 10 converge
    np.testing.assert_array_equal(exact["authors_converged"], authors["authors_converged"])
    assert set(authors["solver"]) == {"sklearn LogisticRegression lbfgs max_iter=1000"}

    # an independent loop: scikit-learn itself on the same rows (all at weight 1 in the balanced arm)
    test = tables.tables["test"]
    for r, d in enumerate(designs):
        x_md = np.concatenate([tables.tables[s].x_nd[rows] for s, rows, _ in d.parts])
        y_m = np.concatenate([tables.tables[s].y_n[rows] for s, rows, _ in d.parts])
        model = LogisticRegression(C=1, max_iter=1000, random_state=d.tags["seed"]).fit(x_md, y_m)
        assert authors["balanced"][r] == pytest.approx(balanced_accuracy_score(test.y_n, model.predict(test.x_nd)),
                                                       abs=1e-12)


def test_the_report_names_the_points_where_the_authors_fit_did_not_converge():
    row = {"method": "llm", "metric": "balanced", "arm": "balanced", "solver": "exact", "diff": 0.0}
    converged = [{**row, "i": i, "authors_converged": 1.0} for i in range(3)]
    assert "converged at every compared point (3 points)" in "".join(convergence_text(converged))
    stalled = converged[:2] + [{**row, "i": 2, "authors_converged": 0.4}]
    text = "".join(convergence_text(stalled))
    assert "did not converge at 1 of 3 compared points" in text and "llm balanced at i = 2-2 (1 points" in text
    assert "as few as 40% of a point's seeds converged" in text
    unmeasured = [{**r, "authors_converged": float("nan")} for r in converged]
    assert "was not measured" in "".join(convergence_text(unmeasured))
