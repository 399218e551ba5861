"""The verify report: a PASS/FAIL table for the terminal and report.md with one PNG per claim."""

import io
from pathlib import Path

import matplotlib.pyplot as plt

from synthlaw.figures.claims import FIGURES
from synthlaw.sims.store import write_atomic
from synthlaw.theory.claims.intervals import LEVEL
from synthlaw.theory.notes import note_text

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
            ci = f"[{c.measured.lo:.4g}, {c.measured.hi:.4g}]"
            allowance = f"+-{c.allowance:.2g} ({c.allowance_why})" if c.allowance else "-"
            prediction = ("<= " if c.upper_bound else "") + fmt(c.prediction)
            rows.append((o.claim.id, f"{c.label}: {c.quantity}", prediction, fmt(c.measured.value),
                         ci, allowance, fmt(c.rival), verdict))
    return rows


def text_table(outcomes) -> str:
    """A fixed-width table for the terminal."""
    rows = [HEADER, *table_rows(outcomes)]
    widths = [max(len(r[j]) for r in rows) for j in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def markdown_table(outcomes) -> str:
    rows = table_rows(outcomes)
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def save_figure(fig, path: Path) -> None:
    """Render to memory, then write atomically."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    write_atomic(path, buffer.getvalue())


def claim_section(outcome, png_name: str) -> str:
    c = outcome.claim
    source = "reused saved table" if outcome.reused else "measured now"
    lines = [f"## {c.id}: {c.title} ({outcome.verdict})", "", f"Source: {c.source}.", "",
             f"![{c.id}]({png_name})", "", f"Config: `{outcome.config.as_dict()}` ({source}, {outcome.seconds:.1f} s).", ""]
    lines += [note_text(c.id).split("\n", 1)[1].strip(), ""]
    return "\n".join(lines)


def write_report(outcomes, out_dir: Path, run_info: dict) -> Path:
    """Write one PNG per claim and report.md into out_dir; return the report's path."""
    out_dir = Path(out_dir)
    sections = []
    for o in outcomes:
        png = f"{o.claim.id}.png"
        save_figure(FIGURES[o.claim.id](o), out_dir / png)
        sections.append(claim_section(o, png))
    head = ["# synthlaw verify report", "",
            ", ".join(f"{k}: {v}" for k, v in run_info.items()), "",
            markdown_table(outcomes), ""]
    path = out_dir / "report.md"
    write_atomic(path, "\n".join(head + sections))
    return path
