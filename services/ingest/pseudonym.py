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
