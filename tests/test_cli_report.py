"""synthlaw report DIR rebuilds the report from saved tables; a run of some claims adds to a folder's
report; report.html is self-contained."""

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from synthlaw.cli import main
from synthlaw.theory.claims import registry
from synthlaw.theory.runner.saved import load_outcome

TINY = ('[IMB-1]\nn_min = 400\nseeds = 8\nseparation = [1.0]\nrho = [1.0, 4.0]\n'
        '[AUG-4]\nn_min = 200\nn_syn = [100, 300, 600, 900]\nseeds = 24\n')
OUTPUTS = ("report.md", "report.html", "IMB-1.png", "AUG-4.png")


class Links(HTMLParser):
    """Every src/href/srcset/action/data value, tag, and any url( or @import in a style."""

    def __init__(self):
        super().__init__()
        self.targets, self.tags, self.styles = [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster", "background"):
                self.targets.append(value or "")
            if name == "style":
                self.styles.append(value or "")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def outside_references(page: str) -> list[str]:
    """What in page would load something from outside it (empty for a self-contained page)."""
    links = Links()
    links.feed(page)
    bad = [t for t in links.targets if not (t.startswith("data:") or t.startswith("#"))]
    bad += [tag for tag in links.tags if tag in ("link", "script", "iframe", "object", "embed", "base")]
    bad += [s for s in links.styles if "url(" in s or "@import" in s]
    return bad


def test_the_self_containment_check_catches_outside_references():
    assert outside_references('<img src="data:image/png;base64,AA"><a href="#IMB-1">x</a>') == []
    for page in ('<img src="fig.png">', '<a href="https://example.org">x</a>', '<link rel="stylesheet" href="a.css">',
                 '<script src="x.js"></script>', "<style>@import 'x.css';</style>",
                 '<div style="background: url(http://x/y.png)"></div>'):
        assert outside_references(page), page


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A verify folder with IMB-1 and AUG-4 measured on tiny configs (and its terminal table)."""
    folder = tmp_path_factory.mktemp("saved")
    (folder / "tiny.toml").write_text(TINY)
    code = main(["verify", "--quick", "--claims", "IMB-1,AUG-4", "--config", str(folder / "tiny.toml"),
                 "--out", str(folder / "run")])
    assert code == 0
    return folder / "run"


def copy_without_report(saved: Path, target: Path) -> Path:
    shutil.copytree(saved, target)
    for name in OUTPUTS:
        (target / name).unlink()
    return target


def test_report_rebuilds_every_output_from_the_saved_tables(saved, tmp_path, capsys):
    folder = copy_without_report(saved, tmp_path / "copy")
    code, out, _ = run(capsys, "report", str(folder))
    assert code == 0 and out.count("PASS") >= 2
    for name in OUTPUTS:
        assert (folder / name).stat().st_size > 0, name
    rebuilt, original = (folder / "report.md").read_text(), (saved / "report.md").read_text()
    table = [line for line in original.splitlines() if line.startswith("| IMB-1") or line.startswith("| AUG-4")]
    assert table and all(line in rebuilt for line in table)  # the same checks, predicted and judged again
    assert "saved table, not rerun now" in rebuilt


def test_report_refuses_a_folder_without_claim_tables(tmp_path, capsys):
    (tmp_path / "IMB-1").mkdir()
    (tmp_path / "IMB-1" / "table.csv").write_text("seed\n0\n")  # no meta.json: not a finished table
    code, _, err = run(capsys, "report", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and "holds no claim tables" in err
    code, _, err = run(capsys, "report", str(tmp_path / "missing"))
    assert code == 2 and err.count("\n") == 1 and "not a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMB-1"]


def test_a_run_of_some_claims_adds_to_the_folders_report(saved, tmp_path, capsys):
    folder = copy_without_report(saved, tmp_path / "copy")
    code, out, err = run(capsys, "verify", "--quick", "--claims", "imb-1", "--config", str(saved.parent / "tiny.toml"),
                         "--out", str(folder))
    assert code == 0 and "reused" in err and "AUG-4" not in out.split("\n\n")[0]
    report = (folder / "report.md").read_text()
    assert "## IMB-1:" in report and "## AUG-4:" in report and report.index("## IMB-1:") < report.index("## AUG-4:")
    assert (folder / "AUG-4.png").exists() and "the report also holds the saved AUG-4" in out


def test_report_html_is_self_contained_and_colours_verdicts(saved):
    page = (saved / "report.html").read_text()
    assert outside_references(page) == []
    assert page.count('src="data:image/png;base64,') == 2 and page.count("<details>") == 2
    assert '<td class="PASS">PASS</td>' in page and '<span class="PASS">PASS</span>' in page


def test_a_rebuilt_outcome_reuses_the_cached_prediction_and_judges_the_same(saved):
    claim = registry()["IMB-1"]
    outcome = load_outcome(claim, saved)
    fresh = claim.judge(outcome.columns, outcome.config, claim.predict(outcome.config))
    assert outcome.checks == fresh and not outcome.rerun


def test_a_saved_table_that_no_longer_loads_is_named_and_left_out(saved, tmp_path, capsys):
    folder = copy_without_report(saved, tmp_path / "copy")
    meta = json.loads((folder / "AUG-4" / "meta.json").read_text())
    meta["config"]["seeds"] = 1  # a config the claim no longer accepts
    (folder / "AUG-4" / "meta.json").write_text(json.dumps(meta))
    code, out, err = run(capsys, "report", str(folder))
    assert code == 0 and "IMB-1" in out and "AUG-4" not in out
    assert f"synthlaw: warning: {folder / 'AUG-4'}: saved table left out of the report (AUG-4.seeds = 1" in err
    assert "## AUG-4" not in (folder / "report.md").read_text()
