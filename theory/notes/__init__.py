"""Per-claim notes (statement, assumptions, derivation sketch, check) that `synthlaw explain` prints.

A note is theory/notes/ID.md; its first line is the heading `# ID: Title`, the claim's one title.
"""

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Note:
    """A claim's note, named by its file (e.g. "IMB-1.md"); read on use, without importing JAX."""

    name: str

    @property
    def text(self) -> str:
        """The whole Markdown note."""
        return resources.files(__name__).joinpath(self.name).read_text()

    @property
    def title(self) -> str:
        """The heading `# ID: Title` without `# ID: `."""
        heading = self.text.split("\n", 1)[0]
        claim_id, sep, title = heading.removeprefix("# ").partition(": ")
        if not heading.startswith("# ") or not sep or f"{claim_id}.md" != self.name:
            raise ValueError(f"theory/notes/{self.name}: first line = {heading!r}: must be '# {self.name[:-3]}: Title'")
        return title

    @property
    def body(self) -> str:
        """The note without its heading (a report's section heading carries the title)."""
        return self.text.split("\n", 1)[1].strip()

