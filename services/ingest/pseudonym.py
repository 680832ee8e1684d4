"""The beneficiary identifier is replaced at the edge by a keyed hash (HMAC-SHA256)."""

import hashlib
import hmac
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_identifier(raw: str) -> str:
    """The same person written differently ("ab 12", "AB12 ") gets the same pseudonym."""
    if raw.isascii():  # NFKC leaves ASCII as it is, and `split()` cuts at what `\s` matches
        return "".join(raw.split()).upper()
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw)).upper()


class Pseudonymiser:
    """HMAC-SHA256 of the normalised identifier, hex: stable across submissions, keyed."""

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        if len(key) < 32:
            raise ValueError("the pseudonymisation key must have at least 32 characters")
        self._key = key.encode()

    def __call__(self, raw_identifier: str) -> str:
        """The pseudonym of one beneficiary identifier."""
        normalised = normalise_identifier(raw_identifier).encode()
        return hmac.digest(self._key, normalised, hashlib.sha256).hex()  # one call, in C

    def __repr__(self) -> str:
        return "Pseudonymiser(key=***)"
