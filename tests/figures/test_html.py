"""report.html's Markdown subset and its self-containment: nothing in it points outside the file."""

from html.parser import HTMLParser

import pytest

from synthlaw.figures.html import markdown_html
from synthlaw.theory.claims.catalogue import catalogue
from synthlaw.theory.notes import note_text


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


def test_markdown_subset():
    text = ("# Title\n\n**Statement.** a < b and `x_nd`\ncontinues.\n\n- one\n  more\n- two\n\n"
            "1. first\n2. second\n\n```\ncode <here>\n```\nend\n0. is not a list inside a paragraph")
    assert markdown_html(text) == "\n".join([
        "<h1>Title</h1>",
        "<p><strong>Statement.</strong> a &lt; b and <code>x_nd</code> continues.</p>",
        "<ul><li>one more</li><li>two</li></ul>",
        "<ol><li>first</li><li>second</li></ol>",
        "<pre><code>code &lt;here&gt;</code></pre>",
        "<p>end 0. is not a list inside a paragraph</p>"])


def test_a_bullet_list_may_interrupt_a_paragraph():
    assert markdown_html("law:\n- a;\n- b") == "<p>law:</p>\n<ul><li>a;</li><li>b</li></ul>"


@pytest.mark.parametrize("claim_id", list(catalogue()))
def test_every_note_converts_without_markdown_left_over(claim_id):
    body = markdown_html(note_text(claim_id))
    assert body.startswith(f"<h1>{claim_id}:") and "**" not in body and "<p>" in body
    assert outside_references(body) == []
