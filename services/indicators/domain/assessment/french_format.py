"""French formatting: 68 978 ; 15,8 % ; +87,8 % ; « a, b et c » ; « 278 bénéficiaires »."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from shared.indicators import IndicatorStatus, IndicatorValue

SPACE = "\u00a0"  # no-break space: thousands separator and before %
MASKED = "masqué (secret statistique)"
STATUS_FR = {
    IndicatorStatus.MET: "objectif atteint",
    IndicatorStatus.ON_TRACK: "en bonne voie",
    IndicatorStatus.BEHIND: "en retard sur la trajectoire",
    IndicatorStatus.MISSED: "objectif non atteint à l'échéance",
    IndicatorStatus.NO_TARGET: "sans objectif",
    IndicatorStatus.NO_DATA: "donnée indisponible",
}


def _rounded(value: float, decimals: int) -> Decimal:
    step = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0) -> str:
    """A number with French separators: 68 978 ; 3 043,5."""
    rounded = _rounded(value, decimals)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = SPACE.join(groups) or "0"
    return sign + text + ("," + fraction if fraction else "")


def percent(ratio: float, decimals: int = 1) -> str:
    """A ratio as a French percentage: 0.1583 -> 15,8 %."""
    return f"{number(ratio * 100, decimals)}{SPACE}%"


def signed_percent(ratio: float) -> str:
    """A change as a signed percentage: +87,8 %."""
    text = percent(ratio)
    return text if text.startswith("-") else "+" + text


def join(items: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def count(value: IndicatorValue | None, noun: str) -> str:
    """« 278 bénéficiaires », or « des bénéficiaires (nombre masqué ...) » when suppressed."""
    if value is None or value.value is None:
        return f"des {noun} (nombre {MASKED})"
    return f"{number(value.value)} {noun}"


def terms(value: IndicatorValue) -> str:
    """« 3 043 / 68 978 »: the counts a share comes from (empty when suppressed)."""
    if value.numerator is None or value.denominator is None:
        return ""
    return f"{number(value.numerator)} / {number(value.denominator)}"


def capitalised(text: str) -> str:
    """The sentence with its first letter in upper case."""
    return text[:1].upper() + text[1:]
