"""Inline SVG charts (no script, no external asset): vertical, horizontal and grouped bars."""

from collections.abc import Callable, Sequence
from html import escape

from services.indicators.domain.assessment.french_format import MASKED

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 50
COLOURS = ("#1f5f8b", "#e07b39", "#4d9078", "#b5446e", "#7a6c5d")
Format = Callable[[float], str]


def _frame(title: str, body: list[str], height: int = HEIGHT) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" class="chart-title">{label}</text>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    fmt: Format,
    *,
    target: tuple[float, str] | None = None,
) -> str:
    """Vertical bars with their value on top; an optional dashed target line."""
    plot_h = HEIGHT - TOP - BOTTOM
    top = 1.15 * max([v for v in values if v is not None] + [target[0] if target else 0, 1e-9])
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    small = "small" if len(labels) > 8 else ""
    body = [
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#555"/>'
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + index * step + step * 0.2
        body.append(_text(x + step * 0.3, HEIGHT - BOTTOM + 18, label))
        if value is None:
            body.append(_text(x + step * 0.3, HEIGHT - BOTTOM - 6, MASKED, css="masked"))
            continue
        h = plot_h * value / top
        y = HEIGHT - BOTTOM - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" '
            f'fill="{COLOURS[0]}"/>'
        )
        body.append(_text(x + step * 0.3, y - 5, fmt(value), css=small))
    if target is not None:
        y = HEIGHT - BOTTOM - plot_h * target[0] / top
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{COLOURS[1]}" stroke-dasharray="6 4" stroke-width="2"/>'
        )
        body.append(_text(WIDTH - RIGHT, y - 6, target[1], anchor="end", css="target"))
    return _frame(title, body)


def horizontal_bars(title: str, labels: Sequence[str], values: Sequence[float], fmt: Format) -> str:
    """One horizontal bar per label, scaled to the largest value."""
    row = 30
    height = TOP + row * len(labels) + 20
    top = max([*values, 1e-9])
    span = WIDTH - 260 - RIGHT - 70
    body = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + index * row
        w = span * value / top
        body.append(_text(250, y + 17, label, anchor="end"))
        body.append(
            f'<rect x="260" y="{y + 4}" width="{w:.1f}" height="{row - 10}" '
            f'fill="{COLOURS[index % len(COLOURS)]}"/>'
        )
        body.append(_text(266 + w, y + 17, fmt(value), anchor="start"))
    return _frame(title, body, height)


def grouped_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Format,
) -> str:
    """Bars side by side for each group, one colour per series, with a legend."""
    plot_h = HEIGHT - TOP - BOTTOM
    top = 1.15 * max([v for _, vs in series for v in vs if v is not None] + [1e-9])
    step = (WIDTH - LEFT - RIGHT) / max(len(groups), 1)
    width = step * 0.7 / max(len(series), 1)
    body = []
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        body.append(
            f'<rect x="{LEFT + s * 120}" y="{HEIGHT - 18}" width="12" height="12" fill="{colour}"/>'
        )
        body.append(_text(LEFT + s * 120 + 18, HEIGHT - 8, name, anchor="start"))
        for g, value in enumerate(values):
            if value is None:
                continue
            x = LEFT + g * step + step * 0.15 + s * width
            h = plot_h * value / top
            y = HEIGHT - BOTTOM - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
            body.append(_text(x + width / 2, y - 5, fmt(value)))
    for g, group in enumerate(groups):
        body.append(_text(LEFT + g * step + step / 2, HEIGHT - BOTTOM + 18, group))
    return _frame(title, body)
