"""Small phrases shared by the sentences: counts, the terms of a share, masked cells."""

from services.indicators.report.french import MASKED, number
from shared.indicators import IndicatorValue


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
