"""The beneficiary identifier is replaced at the edge by a keyed hash (HMAC-SHA256)."""

import hashlib
import hmac
import re
import unicodedata

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): drawn as nothing.
# Most are format characters (Cf) too; these ranges add the others (combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors,
# and the unassigned code points reserved as ignorable).
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc"})  # format and control characters
# ASCII's invisible characters: its controls (`split()` already removes \t-\r and \x1c-\x1f)
_ASCII_CONTROLS = dict.fromkeys([*range(0x20), 0x7F])


def _invisible(char: str) -> bool:
    """A format, control or default-ignorable character (whitespace aside)."""
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES or bool(_IGNORABLE.match(char))


def _without_invisible(text: str) -> str:
    return "".join(char for char in text if not _invisible(char))


def _visible(text: str) -> str:
    return "".join(char for char in text if not (char.isspace() or _invisible(char)))


def normalise_unicode(raw: str) -> str:
    """The general rule: invisible characters out, NFKC, whitespace and invisible characters
    out, upper case.

    Invisible ones go before NFKC too, so that one between a letter and its combining accent
    does not keep them from composing; whitespace goes after NFKC only, as it always did (a
    text without invisible characters keeps its pseudonym); and after NFKC, what it turns
    into a space (U+00A0, U+3000...) or a filler (U+FFA0 becomes U+1160).
    """
    return _visible(unicodedata.normalize("NFKC", _without_invisible(raw))).upper()


def normalise_identifier(raw: str) -> str:
    """The same person written differently ("ab 12", "AB12 ", "AB\u200b12") gets the same
    pseudonym."""
    if raw.isascii():  # NFKC leaves ASCII as it is, and `split()` cuts at every ASCII space
        return "".join(raw.split()).translate(_ASCII_CONTROLS).upper()
    return normalise_unicode(raw)


def _latin_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith(
        "LATIN "
    )


def latin_identifier(raw: str) -> bool:
    """Whether the identifier, once normalised, is written in the Latin script only: every
    character is ASCII, a Latin letter (its Unicode name starts with `LATIN `), or a combining
    mark (Mn) on a Latin letter. Cyrillic A (U+0410) or Greek O (U+039F), drawn like the
    Latin ones, are not."""
    if raw.isascii():  # its normalisation is ASCII too
        return True
    on_latin = False  # whether a combining mark here sits on a Latin letter
    for char in normalise_identifier(raw):
        if char.isascii():
            on_latin = char.isalpha()
        elif _latin_letter(char):
            on_latin = True
        elif not (on_latin and unicodedata.category(char) == "Mn"):
            return False
    return True


class Pseudonymiser:
    """HMAC-SHA256 of the normalised identifier, hex: stable across submissions, keyed."""

    __slots__ = ("_keyed",)

    def __init__(self, key: str) -> None:
        if len(key) < 32:
            raise ValueError("the pseudonymisation key must have at least 32 characters")
        self._keyed = hmac.new(key.encode(), digestmod=hashlib.sha256)  # the key's pads, once

    def __call__(self, raw_identifier: str) -> str:
        """The pseudonym of one beneficiary identifier."""
        keyed = self._keyed.copy()  # cheaper than keying a new HMAC for every identifier
        keyed.update(normalise_identifier(raw_identifier).encode())
        return keyed.hexdigest()

    def __repr__(self) -> str:
        return "Pseudonymiser(key=***)"
