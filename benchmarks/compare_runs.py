"""Compare two `synthlaw verify` output folders: every claim's table bit for bit, its prediction and
its verdicts (the PASS/FAIL lines of report.md), for every claim the second folder holds.

    python benchmarks/compare_runs.py runs/before runs/after

A refactor that must not change behaviour (issue 18) measures the quick run at the starting
commit and after the change with the same key, config and precision; this script then says, per
claim, whether table.csv is byte-identical, whether prediction.json's values are equal, and
whether the verdict lines agree. Exit 0 when everything agrees, 1 otherwise.
"""

import json
import re
import sys
from pathlib import Path


def verdict_lines(folder: Path, claims: list[str]) -> list[str]:
    """The report's check rows of the given claims (claim, check, numbers, verdict)."""
    report = folder / "report.md"
    if not report.exists():
        return []
    return [line for line in report.read_text().splitlines()
            if line.startswith("|") and re.search(r"\b(PASS|FAIL)\b", line) and line.split("|")[1].strip() in claims]


def prediction(folder: Path) -> object:
    path = folder / "prediction.json"
    return json.loads(path.read_text())["prediction"] if path.exists() else None


def compare(before: Path, after: Path) -> list[str]:
    """One line per difference (empty: identical)."""
    problems = []
    claims = sorted(p.name for p in after.iterdir() if (p / "table.csv").exists())
    if not claims:
        return [f"{after}: no claim tables"]
    for claim in claims:
        if not (before / claim / "table.csv").exists():
            problems.append(f"{claim}: no table in {before}")
            continue
        if (before / claim / "table.csv").read_bytes() != (after / claim / "table.csv").read_bytes():
            problems.append(f"{claim}: table.csv differs")
        if prediction(before / claim) != prediction(after / claim):
            problems.append(f"{claim}: prediction.json differs")
    if verdict_lines(before, claims) != verdict_lines(after, claims):
        problems.append("report.md: the PASS/FAIL lines differ")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python benchmarks/compare_runs.py BEFORE_DIR AFTER_DIR", file=sys.stderr)
        return 2
    before, after = map(Path, argv)
    problems = compare(before, after)
    for line in problems:
        print(line)
    n = sum(1 for p in after.iterdir() if (p / "table.csv").exists())
    verdict = f"{len(problems)} differences" if problems else "identical tables, predictions and verdicts"
    print(f"{n} claims of {after} compared: {verdict}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
