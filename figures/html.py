"""report.html: the verify report as one self-contained page (figures as data URIs, no external
resource of any kind), verdicts coloured, each claim's note folded under it."""

import base64
import html
import re

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.PASS { color: #11691d; background: #e3f5e1; font-weight: bold; }
.FAIL { color: #a01010; background: #fbe3e3; font-weight: bold; }
.REPORTED { color: #1f4f8a; background: #e5eefa; font-weight: bold; }
h2 .PASS, h2 .FAIL, h2 .REPORTED { padding: 0 0.4em; border-radius: 0.2em; }
img { max-width: 100%; height: auto; }
code, pre { font-family: ui-monospace, monospace; background: #f6f6f6; }
pre { padding: 0.5em; overflow-x: auto; }
details { margin: 0.5em 0 2em; }
summary { cursor: pointer; color: #444; }
.info, .meta { color: #555; font-size: 0.9em; }
"""


def inline(text: str) -> str:
    """Escape, then `code` and **bold** (the only inline Markdown the notes use)."""
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(part)))
    return "".join(out)


ITEM = re.compile(r"^\s*(?:([-*])|(\d+)\.)\s+(.*)$")


def markdown_html(text: str) -> str:
    """Minimal Markdown to HTML: # headings, paragraphs, - or 1. lists, ``` fenced code, inline code
    and bold. A numbered item interrupts a paragraph only when it is 1. (as in CommonMark)."""
    blocks, para, items, code = [], [], [], None
    list_tag = "ul"

    def close():
        if para:
            blocks.append(f"<p>{inline(' '.join(para))}</p>")
            para.clear()
        if items:
            lis = "".join(f"<li>{inline(' '.join(i))}</li>" for i in items)
            blocks.append(f"<{list_tag}>{lis}</{list_tag}>")
            items.clear()

    for line in text.splitlines():
        if code is not None:
            if line.strip().startswith("```"):
                blocks.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(line)
            continue
        stripped = line.strip()
        item = ITEM.match(line)
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if stripped.startswith("```"):
            close()
            code = []
        elif not stripped:
            close()
        elif heading:
            close()
            level = len(heading.group(1))
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif item and (not para or item.group(1) or item.group(2) == "1"):
            if para or (items and list_tag != ("ul" if item.group(1) else "ol")):
                close()
            list_tag = "ul" if item.group(1) else "ol"
            items.append([item.group(3)])
        elif items:
            items[-1].append(stripped)
        else:
            para.append(stripped)
    if code is not None:
        blocks.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
    close()
    return "\n".join(blocks)


def png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def verdict_cell(verdict: str) -> str:
    return f'<span class="{verdict}">{verdict}</span>'


def html_table(header, rows) -> str:
    """The PASS/FAIL table; the claim links to its section, the verdict is coloured."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        claim, *middle, verdict = row
        cells = [f'<td><a href="#{claim}">{html.escape(claim)}</a></td>']
        cells += [f"<td>{html.escape(c)}</td>" for c in middle]
        cells.append(f'<td class="{verdict}">{verdict}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_page(title: str, info: str, table: str, sections: list[str]) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
            f'<p class="info">{html.escape(info)}</p>\n{table}\n' + "\n".join(sections) + "\n</body>\n</html>\n")


def html_section(claim, verdict: str, png: bytes, meta_line: str, note_markdown: str) -> str:
    """One claim: heading with its coloured verdict, the figure inline, the run line, the note folded."""
    return (f'<section id="{claim.id}">\n<h2>{html.escape(claim.id)}: {html.escape(claim.title)} '
            f"{verdict_cell(verdict)}</h2>\n<p>Source: {html.escape(claim.source)}.</p>\n"
            f'<img alt="{claim.id} figure" src="{png_uri(png)}">\n<p class="meta">{inline(meta_line)}</p>\n'
            f"<details><summary>The note: statement, assumptions, derivation, check</summary>\n"
            f"{markdown_html(note_markdown)}\n</details>\n</section>")
