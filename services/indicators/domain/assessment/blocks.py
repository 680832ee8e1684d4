"""The blocks an assessment is made of: headings, paragraphs, tables and charts."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Heading:
    """A section title."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a caption; the first column holds row labels."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG chart (the HTML shows it; Markdown shows the table it comes with)."""

    caption: str
    svg: str


Block = Heading | Paragraph | Table | Chart
