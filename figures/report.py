"""The verify report: a PASS/FAIL table for the terminal, and report.md and the self-contained
report.html with one PNG per claim."""

from pathlib import Path

from synthlaw.figures.claims import claim_figure
from synthlaw.figures.html import html_page, html_section, html_table
from synthlaw.figures.style import png
from synthlaw.sims.engine.store import write_atomic
from synthlaw.theory.stats.intervals import LEVEL

HEADER = ("claim", "check", "prediction", "measurement", f"{100 * LEVEL:g}% CI", "allowance", "rival", "verdict")


def fmt(x) -> str:
    return "-" if x is None else f"{x:.4g}"


def table_rows(outcomes) -> list[tuple]:
    """One row per check; a reported claim gets one row saying so."""
    rows = []
    for o in outcomes:
        if o.claim.reported_only:
            rows.append((o.claim.id, o.claim.title, "-", "see report", "-", "-", "-", o.verdict))
        for c in o.checks:
            verdict = "PASS" if c.passed else "FAIL"
            ci = c.measured.bracket()
            allowance = f"+-{c.allowance:.2g} ({c.allowance_why})" if c.allowance else "-"
            prediction = ("<= " if c.upper_bound else "") + fmt(c.prediction)
            rows.append((o.claim.id, f"{c.label}: {c.quantity}", prediction, fmt(c.measured.value),
                         ci, allowance, fmt(c.rival), verdict))
    return rows


def text_table(outcomes) -> str:
    """A fixed-width table for the terminal."""
    rows = [HEADER, *table_rows(outcomes)]
    widths = [max(len(r[j]) for r in rows) for j in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def markdown_table(outcomes) -> str:
    rows = table_rows(outcomes)
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def provenance(outcome, fingerprint: str) -> str:
    """How this claim's table got here: measured now, reused, or saved earlier and not rerun; its
    dtype, seed and source fingerprint (flagged when it differs from the current source)."""
    meta = outcome.meta
    how = ("measured now" if not outcome.reused else "reused saved table" if outcome.rerun
           else "saved table, not rerun now: predicted and judged again")
    measured = f", measured in {meta['measure_seconds']:.1f} s" if "measure_seconds" in meta else ""
    source = meta.get("source", "?")
    changed = f" (the current source is {fingerprint})" if fingerprint and source != fingerprint else ""
    return (f"Config: `{outcome.config.as_dict()}` ({how}, {outcome.seconds:.1f} s{measured}; "
            f"{meta.get('dtype', '?')}, seed {meta.get('seed', '?')}, source fingerprint {source}{changed}).")


def claim_section(outcome, png_name: str, fingerprint: str) -> str:
    c = outcome.claim
    lines = [f"## {c.id}: {c.title} ({outcome.verdict})", "", f"Source: {c.source}.", "",
             f"![{c.id}]({png_name})", "", provenance(outcome, fingerprint), "", c.note.body, ""]
    return "\n".join(lines)


def write_report(outcomes, out_dir: Path, run_info: dict, title: str = "synthlaw verify report") -> Path:
    """Write one PNG per claim, report.md and report.html into out_dir; return report.md's path."""
    out_dir = Path(out_dir)
    fingerprint = run_info.get("source fingerprint", "")
    info = ", ".join(f"{k}: {v}" for k, v in run_info.items())
    markdown, html_sections = [], []
    for o in outcomes:
        figure = png(claim_figure, o)
        write_atomic(out_dir / f"{o.claim.id}.png", figure)
        markdown.append(claim_section(o, f"{o.claim.id}.png", fingerprint))
        html_sections.append(html_section(o.claim, o.verdict, figure, provenance(o, fingerprint), o.claim.note.body))
    head = [f"# {title}", "", info, "", markdown_table(outcomes), ""]
    table = html_table(HEADER, table_rows(outcomes))
    write_atomic(out_dir / "report.html", html_page(title, info, table, html_sections))
    path = out_dir / "report.md"
    write_atomic(path, "\n".join(head + markdown))
    return path
