"""Bearer tokens (kept as SHA-256 hashes), roles, and who may submit for which market."""

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from shared.types import Siret


class Role(StrEnum):
    """A facilitator (the buyer's side) acts on every market; a contractor on those it holds."""

    FACILITATOR = "facilitator"
    CONTRACTOR = "contractor"


class SubmissionKind(StrEnum):
    """What a submission declares."""

    MARKET = "market"
    INVOICE = "invoice"
    WORK_CONTRACT = "work_contract"
    MONTHLY_HOURS = "monthly_hours"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is submitting: a name for the records, never the token."""

    name: str
    role: Role
    siret: str | None = None


class TokenEntry(BaseModel):
    """One configured token: its SHA-256 hash, never the token itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Role
    siret: Siret | None = None
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _contractor_has_siret(self) -> Self:
        if self.role is Role.CONTRACTOR and self.siret is None:
            raise ValueError(f"token {self.name!r}: a contractor token needs its SIRET")
        return self


_entries = TypeAdapter(list[TokenEntry])


def hash_token(token: str) -> str:
    """The hash under which a token is configured."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class TokenRegistry:
    """Finds the principal of a token by its hash."""

    def __init__(self, entries: Iterable[TokenEntry]) -> None:
        self._by_hash = {
            entry.sha256: Principal(entry.name, entry.role, entry.siret) for entry in entries
        }

    def __len__(self) -> int:
        return len(self._by_hash)

    def authenticate(self, token: str | None) -> Principal | None:
        """The principal a token belongs to, or None for a missing or unknown token."""
        if not token:
            return None
        return self._by_hash.get(hash_token(token))

    def by_hash(self, sha256: str) -> Principal | None:
        """The principal of a token known by its hash (a web session keeps only the hash)."""
        return self._by_hash.get(sha256)


def _entries_of(document: Any) -> list[TokenEntry]:
    if isinstance(document, Mapping):
        document = document.get("tokens", [])
    return _entries.validate_python(document)


def load_tokens(file: Path | None, inline_json: str) -> TokenRegistry:
    """Tokens from a JSON or TOML file (`tokens = [...]`) and from a JSON string."""
    entries: list[TokenEntry] = []
    if file is not None:
        text = file.read_text(encoding="utf-8")
        document = tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
        entries.extend(_entries_of(document))
    if inline_json.strip():
        entries.extend(_entries_of(json.loads(inline_json)))
    return TokenRegistry(entries)


def forbidden(
    principal: Principal,
    kind: SubmissionKind,
    market_id: str,
    holders: Mapping[str, frozenset[str]],
    *,
    holder_siret: str | None = None,
) -> str | None:
    """Why the principal may not submit this (in French), or None when it may."""
    if principal.role is Role.FACILITATOR:
        return None
    if kind is SubmissionKind.MARKET:
        return "un titulaire ne peut pas notifier de marché"
    held_by = holders.get(market_id)
    if held_by is not None and principal.siret not in held_by:
        return f"le marché « {market_id} » n'est pas détenu par le SIRET {principal.siret}"
    if holder_siret is not None and holder_siret != principal.siret:
        return f"un titulaire ne peut facturer que pour lui-même (SIRET {principal.siret})"
    return None
