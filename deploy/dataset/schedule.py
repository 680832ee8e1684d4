"""The stream's schedule: when each record arrives, before the spoilers move some of them."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from deploy.dataset.model import Dataset, Expected, Json, Kind, Tag
from deploy.dataset.wire import Payload, to_wire

MESS_SALT = 7919  # the mess draws from its own generator: seed * MESS_SALT + 1


@dataclass(slots=True)
class Item:
    """One submission before the stream is put in arrival order."""

    at: datetime
    kind: Kind
    payload: Payload
    expected: Expected = Expected.ACCEPTED
    reason: str | None = None
    tags: tuple[Tag, ...] = ()


def moment(rng: random.Random, day: date) -> datetime:
    """A working-day time on that day."""
    return datetime.combine(day, time(8)) + timedelta(minutes=rng.randint(0, 600))


def _after(rng: random.Random, period: str, low: int, high: int) -> datetime:
    year, month = int(period[:4]), int(period[5:7])
    first = date(year + month // 12, month % 12 + 1, 1)
    return moment(rng, first + timedelta(days=rng.randint(low, high)))


def lines_of(payload: Payload) -> list[dict[str, Json]]:
    """The lines of a monthly report's payload."""
    lines = payload["lines"]
    assert isinstance(lines, list)
    return [line for line in lines if isinstance(line, dict)]


class Schedule:
    """Every record with its arrival time; the spoilers move, copy and tag some of them."""

    def __init__(self, dataset: Dataset) -> None:
        self.rng = rng = random.Random(dataset.seed * MESS_SALT + 1)
        self.items: list[Item] = []
        self.markets = [(moment(rng, m.notification_date), to_wire(m)) for m in dataset.markets]
        self.contracts = {
            c.contract_id: (moment(rng, c.start_date + timedelta(days=rng.randint(0, 3))), c)
            for c in dataset.contracts
        }
        self.reports = [(_after(rng, r.period, 1, 25), to_wire(r)) for r in dataset.hours]
        self.invoices = [(_after(rng, i.period, 5, 40), to_wire(i)) for i in dataset.invoices]
        self.report_tags: dict[int, tuple[Tag, ...]] = {}
        self.contract_tags: dict[str, tuple[Tag, ...]] = {}
        self.invoice_tags: dict[int, tuple[Tag, ...]] = {}
        self.market_tags: dict[int, tuple[Tag, ...]] = {}
        self.spoilt_contracts: set[str] = set()

    def emit(
        self, at: datetime, kind: Kind, payload: Payload, *tags: Tag, reason: str | None = None
    ) -> None:
        """One submission arriving at `at`; a reason means ingest must refuse it."""
        expected = Expected.REFUSED if reason else Expected.ACCEPTED
        self.items.append(Item(at, kind, payload, expected, reason, tags))

    def pick_reports(self, count: int, period: str | None = None) -> list[int]:
        """Reports not spoilt yet (of a period when given)."""
        free = [
            i
            for i, (_, payload) in enumerate(self.reports)
            if i not in self.report_tags and period in (None, payload["period"])
        ]
        chosen = self.rng.sample(free, min(count, len(free)))
        self.report_tags.update((i, ()) for i in chosen)
        return chosen

    def pick_contracts(self, count: int, *, ending: bool = False) -> list[str]:
        """Contracts not spoilt yet (with an end date when asked)."""
        free = [
            cid
            for cid, (_, c) in self.contracts.items()
            if cid not in self.spoilt_contracts and (c.end_date is not None or not ending)
        ]
        chosen = self.rng.sample(free, min(count, len(free)))
        self.spoilt_contracts.update(chosen)
        return chosen

    def everything(self) -> None:
        """Every record at its (possibly moved) time; corrections tagged as such."""
        for index, (at, payload) in enumerate(self.markets):
            self.emit(at, Kind.MARKET, payload, *self.market_tags.get(index, ()))
        for cid, (at, contract) in self.contracts.items():
            self.emit(at, Kind.WORK_CONTRACT, to_wire(contract), *self.contract_tags.get(cid, ()))
        for index, (at, payload) in enumerate(self.reports):
            self.emit(at, Kind.MONTHLY_HOURS, payload, *self.report_tags.get(index, ()))
        for index, (at, payload) in enumerate(self.invoices):
            self.emit(at, Kind.INVOICE, payload, *self.invoice_tags.get(index, ()))
