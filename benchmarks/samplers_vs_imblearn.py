"""synthlaw's samplers against imbalanced-learn's, side by side in one run (issue 21, "Fast first calls").

Data: sklearn make_classification, 20 features, weights [0.9] (about 10% minority), random_state 0,
at 1 000 and 100 000 rows (--sizes). For SMOTE, ADASYN and RandomOverSampler of each library:
cross_val_score(imblearn Pipeline(sampler, LogisticRegression(max_iter=1000)), X, y, cv=5) and one
fit_resample of the whole table. Every (library, sampler, size) runs in fresh child processes, so
that nothing is compiled or imported before it:
- "first": the child's first cross_val_score. For synthlaw, with an empty persistent compile
  cache (a new folder in $SYNTHLAW_COMPILE_CACHE), so it compiles its generators; JAX's import is
  timed before it, apart ("jax import");
- "new proc": synthlaw only, a second child on the same cache folder: the compiled generators are
  read back from the cache (what a user's next script or notebook restart pays);
- "warm": a second cross_val_score in the same child (everything compiled and loaded);
- "fit_resample": one fit_resample of the whole table after the cross-validation, first call and
  second call (the whole table's new-row count is in another bucket than a fold's, so the first
  call may compile).
ratio = synthlaw seconds / imblearn seconds on the same column (imblearn's "first" for the first
and new-process columns). Wall times on a shared machine are noisy: the load average is printed.

    python benchmarks/samplers_vs_imblearn.py [--sizes 1000,100000] [--samplers SMOTE,ADASYN,RandomOverSampler]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

SAMPLERS = ("SMOTE", "ADASYN", "RandomOverSampler")


def child(library: str, sampler: str, n: int) -> dict:
    """Times in this fresh process: jax import (synthlaw), first and warm cross_val_score, fit_resample x 2."""
    warnings.simplefilter("ignore")
    from imblearn.pipeline import Pipeline
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    if library == "synthlaw":
        from synthlaw import samplers as lib
    else:
        from imblearn import over_sampling as lib
    x, y = make_classification(n_samples=n, n_features=20, weights=[0.9], random_state=0)
    times = {}
    if library == "synthlaw":
        start = time.perf_counter()
        import jax  # noqa: F401 (timed apart from the first cross-validation)

        times["jax import"] = time.perf_counter() - start

    def cv():
        pipe = Pipeline([("sampler", getattr(lib, sampler)(random_state=0)),
                         ("model", LogisticRegression(max_iter=1000))])
        start = time.perf_counter()
        cross_val_score(pipe, x, y, cv=5)
        return time.perf_counter() - start

    def fit_resample():
        start = time.perf_counter()
        getattr(lib, sampler)(random_state=0).fit_resample(x, y)
        return time.perf_counter() - start

    times["first"], times["warm"] = cv(), cv()
    times["fit_resample first"], times["fit_resample"] = fit_resample(), fit_resample()
    return times


def run_child(library: str, sampler: str, n: int, cache: str) -> dict:
    env = {**os.environ, "SYNTHLAW_COMPILE_CACHE": cache}
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    cmd = [sys.executable, __file__, "--child", library, sampler, str(n)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="table rows, comma-separated")
    parser.add_argument("--samplers", default=",".join(SAMPLERS), help="comma-separated, of " + ", ".join(SAMPLERS))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        library, sampler, n = args.child
        print(json.dumps(child(library, sampler, int(n))))
        return
    samplers = args.samplers.split(",")
    unknown = [s for s in samplers if s not in SAMPLERS]
    if unknown:
        parser.error(f"--samplers: {unknown[0]!r} unknown; allowed: {', '.join(SAMPLERS)}")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print("5-fold cross_val_score of Pipeline(sampler, LogisticRegression), seconds; ratio = synthlaw / imblearn")
    head = (f"{'rows':>7} {'sampler':<18}{'jax import':>11}{'first':>8}{'imbl':>7}{'ratio':>7}{'new proc':>9}"
            f"{'ratio':>7}{'warm':>7}{'imbl':>7}{'ratio':>7}{'fit_res 1st':>12}{'fit_res':>8}{'imbl':>7}{'ratio':>7}")
    print(head)
    with tempfile.TemporaryDirectory() as root:
        for n in map(int, args.sizes.split(",")):
            for sampler in samplers:
                cache = os.path.join(root, f"{sampler}-{n}")  # a new, empty cache folder for the first child
                ours, again = run_child("synthlaw", sampler, n, cache), run_child("synthlaw", sampler, n, cache)
                theirs = run_child("imblearn", sampler, n, cache)
                print(f"{n:>7} {sampler:<18}{ours['jax import']:>11.2f}{ours['first']:>8.2f}{theirs['first']:>7.2f}"
                      f"{ours['first'] / theirs['first']:>7.1f}{again['first']:>9.2f}"
                      f"{again['first'] / theirs['first']:>7.1f}{ours['warm']:>7.2f}{theirs['warm']:>7.2f}"
                      f"{ours['warm'] / theirs['warm']:>7.2f}{ours['fit_resample first']:>12.2f}"
                      f"{ours['fit_resample']:>8.3f}{theirs['fit_resample']:>7.3f}"
                      f"{ours['fit_resample'] / theirs['fit_resample']:>7.2f}", flush=True)
    print(f"load average at end {os.getloadavg()[0]:.2f} (a shared machine: wall times are noisy)")


if __name__ == "__main__":
    main()
