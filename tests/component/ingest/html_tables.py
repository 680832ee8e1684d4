"""Reading the rows of an HTML table in tests (cell texts, whitespace collapsed)."""

from html.parser import HTMLParser


def table_rows(html: str, table_id: str | None = None) -> list[list[str]]:
    """The body rows of a table (the first one, or the one with this id), cell texts."""

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.inside = table_id is None
            self.depth = 0
            self.in_body = False
            self.cell: list[str] | None = None
            self.done = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if self.done:
                return
            if tag == "table" and not self.inside and ("id", table_id) in attrs:
                self.inside = True
            if not self.inside:
                return
            if tag == "tbody":
                self.in_body = True
            elif tag == "tr" and self.in_body:
                self.rows.append([])
            elif tag in ("td", "th") and self.in_body:
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if not self.inside or self.done:
                return
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tbody":
                self.in_body = False
            elif tag == "table":
                self.done = True

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(html)
    return parser.rows
