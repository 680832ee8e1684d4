"""Render the blocks as Markdown, or as one self-contained HTML page (inline CSS and SVG)."""

from collections.abc import Sequence
from html import escape

from services.indicators.domain.assessment.blocks import Block, Chart, Heading, Paragraph, Table

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1b; line-height: 1.5; }
h1 { color: #1f5f8b; } h2 { border-bottom: 2px solid #1f5f8b; } h3 { color: #1f5f8b; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
caption { font-weight: bold; text-align: left; padding: 0.3rem 0; }
th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eef3f7; }
figure { margin: 1rem 0; } figcaption { font-style: italic; font-size: 0.9rem; }
svg text { font-size: 12px; fill: #1d1d1b; }
svg .chart-title { font-size: 14px; font-weight: bold; } svg .small { font-size: 10px; }
svg .masked { fill: #888; font-style: italic; } svg .target { fill: #e07b39; }
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(blocks: Sequence[Block]) -> str:
    """The assessment as Markdown (tables instead of charts)."""
    parts: list[str] = []
    for block in blocks:
        match block:
            case Heading(level, text):
                parts.append("#" * level + " " + text)
            case Paragraph(text):
                parts.append(text)
            case Table(caption, headers, rows):
                lines = [f"**{caption}**", "", "| " + " | ".join(map(_cell, headers)) + " |"]
                lines.append("|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|")
                lines.extend("| " + " | ".join(map(_cell, row)) + " |" for row in rows)
                parts.append("\n".join(lines))
            case Chart():
                continue
    return "\n\n".join(parts) + "\n"


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return (
        f"<table><caption>{escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def html(blocks: Sequence[Block], *, title: str) -> str:
    """The assessment as one HTML page: no script, no link, no external asset."""
    body: list[str] = []
    for block in blocks:
        match block:
            case Heading(level, text):
                body.append(f"<h{level}>{escape(text)}</h{level}>")
            case Paragraph(text):
                body.append(f"<p>{escape(text)}</p>")
            case Table():
                body.append(_table_html(block))
            case Chart(caption, svg):
                body.append(f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>")
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
