"""report.html's Markdown subset: the notes' headings, paragraphs, lists and code, escaped."""

import pytest

from synthlaw.figures.html import markdown_html
from synthlaw.theory.claims.catalogue import catalogue


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
    body = markdown_html(catalogue()[claim_id].note.text)
    assert body.startswith(f"<h1>{claim_id}:") and "**" not in body and "<p>" in body
    assert "href" not in body and "src" not in body
