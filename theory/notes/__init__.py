"""Per-claim notes (statement, assumptions, derivation sketch, check) that `synthlaw explain` prints."""

from importlib import resources


def note_text(claim_id: str) -> str:
    """The Markdown note of a claim."""
    return resources.files(__name__).joinpath(f"{claim_id}.md").read_text()
