"""The configured bearer tokens (kept as SHA-256 hashes), read from the settings and the tokens
file, re-read when the file changes."""

import json
import logging
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from services.ingest.adapters.clock import utc_now
from services.ingest.domain.access import Principal, Role, hash_token
from shared.types import Siret

logger = logging.getLogger(__name__)
# how often, at most, the tokens file is looked at for a change (one stat each time)
RECHECK_SECONDS = 1.0


class TokenEntry(BaseModel):
    """One configured token: its SHA-256 hash, never the token itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Role
    siret: Siret | None = None
    buyers: tuple[Siret, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="A facilitator's perimeter: the SIRETs of the buyers it serves (it may "
        "submit only for their markets); absent: every buyer",
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9._:-]{1,64}$",
        description="A stable id of the caller (default: derived from the token's hash); give "
        "a rotated token the id of the one it replaces to keep its submissions",
    )
    expires_at: datetime | None = Field(
        default=None, description="After this instant (with its time zone) the token is refused"
    )
    revoked: bool = Field(default=False, description="A revoked token is refused")

    @model_validator(mode="after")
    def _expiry_has_a_time_zone(self) -> Self:
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise ValueError(f"token {self.name!r}: expires_at needs a time zone (e.g. Z)")
        return self

    @model_validator(mode="after")
    def _buyers_only_for_facilitators(self) -> Self:
        if self.buyers is not None and self.role is not Role.FACILITATOR:
            raise ValueError(f"token {self.name!r}: only a facilitator token lists buyers")
        return self

    @model_validator(mode="after")
    def _contractor_has_siret(self) -> Self:
        if self.role is Role.CONTRACTOR and self.siret is None:
            raise ValueError(f"token {self.name!r}: a contractor token needs its SIRET")
        return self


_entries = TypeAdapter(list[TokenEntry])


def id_of(entry: TokenEntry) -> str:
    """The principal id of a configured token: its own `id`, else one derived from its hash."""
    return entry.id or f"token:{entry.sha256}"


class DuplicateTokenError(ValueError):
    """Two configured tokens share a name, a hash or an id."""


def refuse_duplicates(entries: Sequence[TokenEntry]) -> None:
    """Raise, naming the duplicate (in French and English), when two tokens share a name, a
    hash or an id: submissions are shown by name and scoped by id."""
    for what_fr, what_en, key in (
        ("nom", "name", lambda e: e.name),
        ("empreinte SHA-256", "SHA-256", lambda e: e.sha256),
        ("identifiant", "id", id_of),
    ):
        seen: set[str] = set()
        for entry in entries:
            value = key(entry)
            if value in seen:
                shown = value if what_en != "SHA-256" else value[:12] + "…"
                raise DuplicateTokenError(
                    f"Deux jetons portent le même {what_fr} « {shown} » : chaque jeton doit "
                    f"avoir le sien. / Two tokens share the {what_en} {shown!r}: each token "
                    "needs its own."
                )
            seen.add(value)


class TokenRegistry:
    """Finds the principal of a token by its hash; refuses expired and revoked tokens.

    With a tokens file, the file is re-read when it changes (looked at once a second at
    most), so a revocation takes effect without a restart; a file that no longer parses is
    logged and the tokens read before are kept.
    """

    def __init__(
        self,
        entries: Iterable[TokenEntry],
        *,
        clock: Callable[[], datetime] = utc_now,
        file: Path | None = None,
        inline_json: str = "",
    ) -> None:
        self._clock = clock
        self._file, self._inline = file, inline_json
        self._by_hash: dict[str, TokenEntry] = {}
        self._stamp = _stamp_of(file)
        self._checked = time.monotonic()
        self._use(entries)

    def _use(self, entries: Iterable[TokenEntry]) -> None:
        entries = list(entries)
        refuse_duplicates(entries)
        self._by_hash = {entry.sha256: entry for entry in entries}
        self._principals = {
            entry.sha256: Principal(
                id_of(entry),
                entry.name,
                entry.role,
                entry.siret,
                None if entry.buyers is None else frozenset(entry.buyers),
            )
            for entry in self._by_hash.values()
        }

    def __len__(self) -> int:
        return len(self._by_hash)

    def ids_by_name(self) -> dict[str, str]:
        """Each configured name and its principal id (names are unique): how submissions
        stored by name before principal ids are attributed (by the first schema migration,
        `adapters/migrations`)."""
        return {entry.name: id_of(entry) for entry in self._by_hash.values()}

    def _reload_if_changed(self) -> None:
        if self._file is None or time.monotonic() - self._checked < RECHECK_SECONDS:
            return
        self._checked = time.monotonic()
        stamp = _stamp_of(self._file)
        if stamp == self._stamp:
            return
        try:
            entries = read_entries(self._file, self._inline)
        except (OSError, ValueError) as error:
            logger.error("tokens file %s unreadable, previous tokens kept: %s", self._file, error)
            return
        self._stamp = stamp
        self._use(entries)
        logger.info("tokens file %s re-read: %d tokens", self._file, len(self._by_hash))

    def refusal(self, token: str | None) -> str | None:
        """Why the token is refused (in French), or None when it is valid."""
        self._reload_if_changed()
        entry = self._by_hash.get(hash_token(token)) if token else None
        if entry is None:
            return "Jeton d'accès absent ou inconnu (en-tête Authorization: Bearer <jeton>)."
        return self._lapsed(entry)

    def _lapsed(self, entry: TokenEntry) -> str | None:
        if entry.revoked:
            return f"Jeton d'accès « {entry.name} » révoqué."
        if entry.expires_at is not None and self._clock() >= entry.expires_at:
            return f"Jeton d'accès « {entry.name} » expiré le {entry.expires_at.isoformat()}."
        return None

    def authenticate(self, token: str | None) -> Principal | None:
        """The principal a token belongs to, or None for a missing, unknown, expired or
        revoked one (one hash per call: the raw topic asks for every record)."""
        if not token:
            return None
        return self.by_hash(hash_token(token))

    def by_hash(self, sha256: str) -> Principal | None:
        """The principal of a token known by its hash (a web session keeps only the hash), or
        None for an unknown, expired or revoked one."""
        self._reload_if_changed()
        entry = self._by_hash.get(sha256)
        if entry is None or self._lapsed(entry) is not None:
            return None
        return self._principals[sha256]


def _stamp_of(file: Path | None) -> tuple[int, int] | None:
    if file is None:
        return None
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _entries_of(document: Any) -> list[TokenEntry]:
    if isinstance(document, Mapping):
        document = document.get("tokens", [])
    return _entries.validate_python(document)


def read_entries(file: Path | None, inline_json: str) -> list[TokenEntry]:
    """Tokens from a JSON or TOML file (`tokens = [...]`) and from a JSON string; two tokens
    with the same name, hash or id are refused (`DuplicateTokenError`)."""
    entries: list[TokenEntry] = []
    if file is not None:
        text = file.read_text(encoding="utf-8")
        document = tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
        entries.extend(_entries_of(document))
    if inline_json.strip():
        entries.extend(_entries_of(json.loads(inline_json)))
    refuse_duplicates(entries)
    return entries


def load_tokens(
    file: Path | None, inline_json: str, *, clock: Callable[[], datetime] = utc_now
) -> TokenRegistry:
    """The registry of the configured tokens (the file re-read when it changes)."""
    entries = read_entries(file, inline_json)
    return TokenRegistry(entries, clock=clock, file=file, inline_json=inline_json)
