"""The monthly chart of a market as SVG geometry (pure: the template draws it, no JS)."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 48
STEPS = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal
    show_label: bool


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]


def nice_top(peak: Decimal) -> Decimal:
    """The smallest 1/2/2.5/5 x 10^n at or above the peak (an axis that reads well)."""
    if peak <= 0:
        return Decimal(10)
    magnitude = Decimal(10) ** (len(str(int(peak))) - 1)
    for step in STEPS:
        top = Decimal(str(step)) * magnitude
        if top >= peak:
            return top
    return Decimal(10) * magnitude


def month_label(period: str) -> str:
    """2026-10 -> 10/2026, as a French reader writes a month."""
    return f"{period[5:7]}/{period[:4]}"


def monthly_chart(months: list[tuple[str, Decimal]]) -> Chart:
    """Bars of insertion hours per month with four gridlines."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = float(TOP + plot_h)
    top = nice_top(max((hours for _, hours in months), default=Decimal(0)))
    ticks = [
        Tick(baseline - plot_h * i / 4, f"{top * i / 4:n}".replace(".", ",")) for i in range(5)
    ]
    slot = plot_w / max(len(months), 1)
    every = max(1, round(len(months) / 12))  # at most about twelve month labels
    bars = [
        Bar(
            x=LEFT + slot * index + slot * 0.15,
            y=baseline - float(hours / top) * plot_h,
            width=slot * 0.7,
            height=float(hours / top) * plot_h,
            label=month_label(period),
            value=hours,
            show_label=index % every == 0,
        )
        for index, (period, hours) in enumerate(months)
    ]
    return Chart(WIDTH, HEIGHT, LEFT, baseline, bars, ticks)
