"""The ports: what the use cases and the entry points need from storage, the broker, the
clauses service, the tokens, the clock and the metrics (the adapters implement them), and the
plain values they exchange."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel

from services.ingest.domain.access import Principal
from services.ingest.domain.idempotency import Claim
from services.ingest.domain.raw_messages import DeadLetter
from services.ingest.domain.rules import ContractFacts
from services.ingest.domain.versions import Conflict, Encoded, Pending, Receipt, Reservation
from shared.events import WorkContractSigned

# the real clock (bootstrap hands it in; the rules get the date from the use case)
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class SubmissionRecord:
    """A stored submission, as GET /v1/submissions/{id} shows it."""

    id: str
    source: str
    kind: str
    principal: str
    # None for a submission stored by name before principal ids, whose name no token has
    principal_id: str | None
    status: str
    received_at: datetime
    published_at: datetime | None
    receipts: list[Receipt]


class Store(Protocol):
    """What the use case needs from storage."""

    def reserve(self, batch: Sequence[Pending]) -> list[Reservation | Conflict]: ...
    def mark_published(
        self, ids: Sequence[str], contracts: Sequence[WorkContractSigned], at: datetime
    ) -> None: ...
    def mark_failed(self, ids: Sequence[str]) -> None: ...
    def submission(self, submission_id: str) -> SubmissionRecord | None: ...
    def contracts(self, ids: Iterable[str]) -> dict[str, ContractFacts]: ...


class History(Protocol):
    """Ingest's own record of submissions."""

    def submissions(self, *, principal_id: str | None, limit: int) -> list[SubmissionRecord]: ...


class IdempotencyKeys(Protocol):
    """Where keys are remembered (durably, shared by every ingest instance)."""

    def claim(self, sender: str, key: str, fingerprint: str, now: datetime) -> Claim: ...
    def complete(self, sender: str, key: str, status: int, body: str, now: datetime) -> None: ...
    def release(self, sender: str, key: str) -> None: ...
    def seen(
        self, pairs: Iterable[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], str]: ...
    def remember(self, rows: Mapping[tuple[str, str], str], now: datetime) -> None: ...


class Sessions(Protocol):
    """Open, check and end web sessions by the id their cookie carries (times in seconds
    since the epoch)."""

    def open(self, session_id: str, *, expires_at: float, now: float) -> None: ...
    def is_open(self, session_id: str, *, now: float) -> bool: ...
    def end(self, session_id: str, *, now: float) -> None: ...


class EventPublisher(Protocol):
    """Publishes events and returns once the broker acknowledged all of them."""

    async def publish(self, events: Sequence[Encoded]) -> None: ...


class DeadLetterSink(Protocol):
    """Sends dead letters and returns once the broker acknowledged all of them."""

    async def send(self, letters: Sequence[DeadLetter]) -> None: ...


class ClausesUnavailableError(Exception):
    """The clauses service did not answer (or answered an error)."""


class Commitment(BaseModel):
    hours_per_10k_eur_ht: Decimal | None = None
    min_hours_per_year: Decimal | None = None
    fixed_total_hours: Decimal | None = None


class Clause(BaseModel):
    as_of_period: str
    hours_owed: Decimal
    hours_realised: Decimal
    status: str


class Month(BaseModel):
    period: str
    insertion_hours: Decimal
    training_hours: Decimal


class Count(BaseModel):
    value: str
    count: int | None
    suppressed: bool


class People(BaseModel):
    threshold: int
    total: Count
    by_gender: list[Count]
    by_contract_type: list[Count]


class Overview(BaseModel):
    """The clauses service's view of one market."""

    market_id: str
    category: str
    notified: str
    duration_months: int
    commitment: Commitment | None
    clause: Clause | None
    months: list[Month]
    beneficiaries: People


class MarketSource(Protocol):
    """Where the market page gets its figures (the HTTP client, or a fake in tests)."""

    async def overview(self, market_id: str) -> Overview | None: ...


class Tokens(Protocol):
    """Who a bearer token is (the configured tokens)."""

    def authenticate(self, token: str | None) -> Principal | None: ...
    def refusal(self, token: str | None) -> str | None: ...
    def by_hash(self, sha256: str) -> Principal | None: ...


class Counted(Protocol):
    """One labelled series of a counter."""

    def inc(self, amount: float = 1) -> None: ...


class Counter(Protocol):
    """A counter with labels."""

    def labels(self, *values: str) -> Counted: ...


class Observed(Protocol):
    """A histogram."""

    def observe(self, amount: float) -> None: ...


class Level(Protocol):
    """A gauge."""

    def set(self, value: float) -> None: ...


class Metrics(Protocol):
    """What the use cases count (the Prometheus metrics implement it)."""

    @property
    def events_accepted(self) -> Counter: ...
    @property
    def events_published(self) -> Counter: ...
    @property
    def rejected(self) -> Counter: ...
    @property
    def publish_latency(self) -> Observed: ...
    @property
    def dead_letters(self) -> Counter: ...
    @property
    def markets_lag(self) -> Level: ...
