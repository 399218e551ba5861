"""README.md and docs/*.md link only to what the repository holds (issue 21: a repository that stands alone).

Every relative link, `[text](target)` or `![alt](target)`, must name a file or folder inside the repository
(never ../shared or anything outside the root), and a `#fragment` must name a heading of the file it points
to, spelled as GitHub spells heading anchors. Links in code (fenced blocks, `inline code`) are not links.
Web addresses are not followed.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", flags=re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", flags=re.M)
WEB = ("http://", "https://", "mailto:")


def prose(text: str) -> str:
    """The text with fenced code blocks and inline code removed (a `#` comment in code is not a heading)."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (github-slugger): lower case, every character but letters, digits, `-`, `_`
    and spaces dropped (backticks included), each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a Markdown page; a repeated heading gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """One line per relative link of page whose target is missing, outside root or lacks its anchor."""
    broken = []
    for target in LINK.findall(prose(page.read_text())):
        if target.startswith(WEB):
            continue
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        where = f"{page.relative_to(root)}: ({target})"
        if not resolved.is_relative_to(root):
            broken.append(f"{where} points outside the repository")
        elif not resolved.exists():
            broken.append(f"{where}: no such file")
        elif fragment and (resolved.suffix != ".md" or fragment not in anchors(resolved)):
            broken.append(f"{where}: no heading with anchor #{fragment} in {resolved.relative_to(root)}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    assert broken_links(page) == []


def test_readme_links_to_the_docs_it_hands_over_to():
    targets = {t.partition("#")[0] for t in LINK.findall(prose((ROOT / "README.md").read_text()))}
    assert {"docs/claims.md", "docs/tutorial.md", "docs/performance.md"} <= targets


@pytest.mark.parametrize("heading, anchor", [
    # GitHub's own anchors, as remark-slug's README (remarkjs/remark-slug) shows them: emoji, dashes and & dropped
    ("Lorem ipsum 😪", "lorem-ipsum-"),
    ("dolor—sit—amet", "dolorsitamet"),
    ("consectetur & adipisicing", "consectetur--adipisicing"),
    # headings linked from README.md, by the same rule: `~` and `/` dropped, `_` kept, backticks and `'` dropped
    ("SPU-3: fitted group generators leave a floor ~ 1/n_g", "spu-3-fitted-group-generators-leave-a-floor--1n_g"),
    ("`synthlaw paper`: agreement with the authors' stored results",
     "synthlaw-paper-agreement-with-the-authors-stored-results"),
])
def test_slug_spells_anchors_as_github_does(heading, anchor):
    assert slug(heading) == anchor


def test_repeated_headings_are_numbered_and_code_is_not_a_heading(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# elit\n\n## elit\n\n```python\n# a comment\n```\n")
    assert anchors(page) == {"elit", "elit-1"}


def test_a_broken_link_is_named(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "there.md").write_text("# Here it is\n")
    page = tmp_path / "docs" / "page.md"
    page.write_text("[ok](there.md#here-it-is) [gone](missing.md) [out](../../shared/CLAIMS.md) "
                    "[anchor](there.md#not-here) `[code](missing.md)` [web](https://example.org/x.md)\n"
                    "```\n[fenced](missing-too.md)\n```\n")
    assert broken_links(page, root=tmp_path) == [
        "docs/page.md: (missing.md): no such file",
        "docs/page.md: (../../shared/CLAIMS.md) points outside the repository",
        "docs/page.md: (there.md#not-here): no heading with anchor #not-here in docs/there.md",
    ]
