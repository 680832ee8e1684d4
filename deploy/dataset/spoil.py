"""How the mess is made: each record scheduled, then some spoilt (see `mess`)."""

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from deploy.dataset.model import Dataset, Expected, Json, Kind, Tag
from deploy.dataset.wire import Payload, money, to_wire

MESS_SALT = 7919  # the mess draws from its own generator: seed * MESS_SALT + 1
LATE, CORRECTED, DUPLICATED = 0.04, 0.04, 0.02
INVALID_EACH = 3
CONTRACTS_DECLARED_LATE = 8


@dataclass(slots=True)
class _Item:
    at: datetime
    kind: Kind
    payload: Payload
    expected: Expected = Expected.ACCEPTED
    reason: str | None = None
    tags: tuple[Tag, ...] = ()


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(8)) + timedelta(minutes=rng.randint(0, 600))


def _after(rng: random.Random, period: str, low: int, high: int) -> datetime:
    year, month = int(period[:4]), int(period[5:7])
    first = date(year + month // 12, month % 12 + 1, 1)
    return _moment(rng, first + timedelta(days=rng.randint(low, high)))


def _lines(payload: Payload) -> list[dict[str, Json]]:
    lines = payload["lines"]
    assert isinstance(lines, list)
    return [line for line in lines if isinstance(line, dict)]


class Mess:
    """Schedules every record, then spoils some of them; `items` is what arrives."""

    def __init__(self, dataset: Dataset) -> None:
        self.rng = rng = random.Random(dataset.seed * MESS_SALT + 1)
        self.items: list[_Item] = []
        self.markets = [(_moment(rng, m.notification_date), to_wire(m)) for m in dataset.markets]
        self.contracts = {
            c.contract_id: (_moment(rng, c.start_date + timedelta(days=rng.randint(0, 3))), c)
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
        self.items.append(_Item(at, kind, payload, expected, reason, tags))

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

    def declared_late(self) -> None:
        """Some contracts arrive weeks after their first hours; those reports come twice."""
        rng = self.rng
        reports_of: dict[str, list[int]] = {}
        for index, (_, payload) in enumerate(self.reports):
            for line in _lines(payload):
                reports_of.setdefault(str(line["contract_id"]), []).append(index)
        late: dict[str, datetime] = {}
        for cid in self.pick_contracts(CONTRACTS_DECLARED_LATE):
            first = min(self.reports[i][0] for i in reports_of[cid])
            late[cid] = first + timedelta(days=rng.randint(5, 40))
            self.contracts[cid] = (late[cid], self.contracts[cid][1])
        for index, (at, payload) in enumerate(self.reports):
            ids = {str(line["contract_id"]) for line in _lines(payload)}
            blockers = [late[cid] for cid in sorted(ids & set(late)) if late[cid] > at]
            if blockers:
                self.emit(
                    at, Kind.MONTHLY_HOURS, payload, Tag.BEFORE_CONTRACT, reason="unknown_contract"
                )
                resent = max(blockers) + timedelta(days=rng.randint(1, 10))
                self.reports[index] = (resent, payload)
                self.report_tags[index] = (Tag.RESENT,)

    def late_reports(self) -> None:
        """Some months are reported two to eight months late."""
        for index in self.pick_reports(round(LATE * len(self.reports))):
            at, payload = self.reports[index]
            self.reports[index] = (at + timedelta(days=self.rng.randint(60, 240)), payload)
            self.report_tags[index] = (Tag.LATE,)

    def corrected_reports(self) -> None:
        """A first version of some months, replaced by the right one weeks later."""
        rng = self.rng
        for index in self.pick_reports(round(CORRECTED * len(self.reports))):
            at, payload = self.reports[index]
            self.emit(at, Kind.MONTHLY_HOURS, self._spoilt_report(payload, at), Tag.SUPERSEDED)
            self.reports[index] = (at + timedelta(days=rng.randint(10, 90)), payload)
            self.report_tags[index] = (Tag.CORRECTION,)

    def _spoilt_report(self, payload: Payload, at: datetime) -> Payload:
        rng = self.rng
        spoilt = copy.deepcopy(payload)
        lines = _lines(spoilt)
        draw = rng.random()
        if draw < 0.35 and len(lines) >= 2:
            lines.remove(rng.choice(lines))
            kept: list[Json] = [*lines]
            spoilt["lines"] = kept
            return spoilt
        if draw < 0.55 and (extra := self._forgotten_line(spoilt, at)) is not None:
            more: list[Json] = [*lines, extra]
            spoilt["lines"] = more
            return spoilt
        line = rng.choice(lines)
        value = Decimal(str(line["insertion_hours"]))
        room = Decimal(180) - Decimal(str(line["training_hours"]))
        quarters = int(value * 4 * rng.randint(50, 150) / 100)  # a typo of up to half the hours
        wrong = min(room, max(Decimal("0.25"), Decimal(quarters) / 4))
        line["insertion_hours"] = money(wrong if wrong != value else value + Decimal("7.00"))
        return spoilt

    def _forgotten_line(self, payload: Payload, at: datetime) -> dict[str, Json] | None:
        """A line copied from an earlier month for a contract of the same employer and market."""
        present = {str(line["beneficiary_id"]) for line in _lines(payload)}
        period = str(payload["period"])
        candidates = [
            c
            for declared, c in self.contracts.values()
            if c.market_id == payload["market_id"]
            and c.employer_siret == payload["employer_siret"]
            and c.beneficiary_id not in present
            and declared < at
            and f"{c.start_date:%Y-%m}" <= period
        ]
        if not candidates:
            return None
        contract = self.rng.choice(sorted(candidates, key=lambda c: c.contract_id))
        return {
            "beneficiary_id": contract.beneficiary_id,
            "contract_id": contract.contract_id,
            "insertion_hours": money(Decimal(self.rng.randint(28, 140)) / 4),
            "training_hours": "0.00",
        }

    def invalid_reports(self) -> None:
        """Rows ingest must refuse, each sent shortly before its corrected form."""
        rng = self.rng
        spoilers: dict[str, Callable[[Payload], None]] = {
            "negative_hours": lambda p: _set_hours(rng, p, lambda v: -v),
            "hours_above_ceiling": lambda p: _set_hours(rng, p, lambda v: v + Decimal(208)),
            "invalid_siret": lambda p: p.update(employer_siret=str(p["employer_siret"])[1:]),
        }
        picks = [(reason, i) for reason in spoilers for i in self.pick_reports(INVALID_EACH)]
        picks += [("invalid_period", i) for i in self.pick_reports(INVALID_EACH, "2023-12")]
        for reason, index in picks:
            at, payload = self.reports[index]
            spoilt = copy.deepcopy(payload)
            if reason == "invalid_period":
                spoilt["period"] = "2023-13"
            else:
                spoilers[reason](spoilt)
            before = at - timedelta(minutes=rng.randint(30, 2880))
            self.emit(before, Kind.MONTHLY_HOURS, spoilt, Tag.INVALID, reason=reason)

    def duplicated_reports(self) -> None:
        """The very same report sent twice."""
        for index in self.pick_reports(round(DUPLICATED * len(self.reports))):
            at, payload = self.reports[index]
            again = at + timedelta(minutes=self.rng.randint(5, 30 * 24 * 60))
            self.emit(again, Kind.MONTHLY_HOURS, payload, Tag.DUPLICATE)

    def contract_mess(self) -> None:
        """Unknown contract types, end dates corrected later, duplicates."""
        rng = self.rng
        for cid in self.pick_contracts(INVALID_EACH):
            at, contract = self.contracts[cid]
            spoilt = {**to_wire(contract), "contract_type": "cui_pec"}
            before = at - timedelta(minutes=rng.randint(30, 300))
            self.emit(
                before, Kind.WORK_CONTRACT, spoilt, Tag.INVALID, reason="unknown_contract_type"
            )
        for cid in self.pick_contracts(round(CORRECTED * len(self.contracts)), ending=True):
            at, contract = self.contracts[cid]
            assert contract.end_date is not None
            wrong = max(
                contract.start_date, contract.end_date - timedelta(days=rng.randint(15, 90))
            )
            if wrong == contract.end_date:
                continue
            first = {**to_wire(contract), "end_date": wrong.isoformat()}
            self.emit(at, Kind.WORK_CONTRACT, first, Tag.SUPERSEDED)
            self.contracts[cid] = (at + timedelta(days=rng.randint(20, 120)), contract)
            self.contract_tags[cid] = (Tag.CORRECTION,)
        for cid in self.pick_contracts(round(DUPLICATED * len(self.contracts))):
            at, contract = self.contracts[cid]
            again = at + timedelta(minutes=rng.randint(5, 10 * 24 * 60))
            self.emit(again, Kind.WORK_CONTRACT, to_wire(contract), Tag.DUPLICATE)

    def invoice_mess(self) -> None:
        """Invoices corrected later, a truncated SIRET, duplicates."""
        rng = self.rng
        order = rng.sample(range(len(self.invoices)), len(self.invoices))
        corrected = round(CORRECTED * len(order))
        duplicated = round(DUPLICATED * len(order))
        for index in order[:corrected]:
            at, payload = self.invoices[index]
            amount = Decimal(str(payload["amount_ht"]))
            factor = Decimal(rng.choice(("0.5", "0.9", "1.1", "1.5", "10")))
            wrong = (amount * factor).quantize(Decimal("0.01"))
            if wrong <= 0 or wrong == amount:
                wrong = amount + 100
            self.emit(at, Kind.INVOICE, {**payload, "amount_ht": money(wrong)}, Tag.SUPERSEDED)
            self.invoices[index] = (at + timedelta(days=rng.randint(10, 60)), payload)
            self.invoice_tags[index] = (Tag.CORRECTION,)
        for index in order[corrected : corrected + duplicated]:
            at, payload = self.invoices[index]
            self.emit(at + timedelta(days=rng.randint(0, 20)), Kind.INVOICE, payload, Tag.DUPLICATE)
        for index in order[corrected + duplicated :][:INVALID_EACH]:
            at, payload = self.invoices[index]
            spoilt = {**payload, "holder_siret": str(payload["holder_siret"])[1:]}
            before = at - timedelta(minutes=rng.randint(30, 600))
            self.emit(before, Kind.INVOICE, spoilt, Tag.INVALID, reason="invalid_siret")

    def market_mess(self) -> None:
        """A few amounts typed wrong at first (a digit too many or too few), duplicates."""
        rng = self.rng
        order = rng.sample(range(len(self.markets)), len(self.markets))
        for index in order[: INVALID_EACH + 1]:
            at, payload = self.markets[index]
            amount = Decimal(str(payload["amount_ht"]))
            wrong = (amount * Decimal(rng.choice(("10", "0.1")))).quantize(Decimal("0.01"))
            self.emit(at, Kind.MARKET, {**payload, "amount_ht": money(wrong)}, Tag.SUPERSEDED)
            self.markets[index] = (at + timedelta(days=rng.randint(2, 20)), payload)
            self.market_tags[index] = (Tag.CORRECTION,)
        for index in order[INVALID_EACH + 1 :][: len(order) // 100]:
            at, payload = self.markets[index]
            self.emit(at + timedelta(hours=rng.randint(1, 72)), Kind.MARKET, payload, Tag.DUPLICATE)

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


def _set_hours(rng: random.Random, payload: Payload, change: Callable[[Decimal], Decimal]) -> None:
    line = rng.choice(_lines(payload))
    line["insertion_hours"] = money(change(Decimal(str(line["insertion_hours"])) or Decimal(7)))
