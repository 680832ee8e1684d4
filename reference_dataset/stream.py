"""Real life's mess (deterministic): the dataset as the stream of submissions ingest receives.

A market arrives on its notification day, a contract within three days of its start, a
month's hours and invoices in the weeks after the month. Then, as in real life:
- late reports: some months arrive two to eight months late;
- resubmissions: a first version of some hours reports, invoices, contracts (end date) and
  markets (amount typo) is replaced by a corrected one weeks later; the LATEST submission of
  an identity is the fact (ingest gives changed content the next version);
- exact duplicates: the very same submission sent twice;
- hours before their contract: some contracts are declared weeks after their first hours;
  the reports that arrive before the contract are refused (`unknown_contract`) and sent
  again, unchanged, once the contract is known;
- invalid rows ingest must refuse, each followed by its corrected form: negative hours,
  above 208 hours in a month, the period 2023-13, a SIRET of 13 digits, an unknown contract
  type.
Replaying the accepted submissions, the latest one of each identity winning, gives back the
dataset exactly (`replay`).
"""

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from reference_dataset.records import (
    Dataset,
    Expected,
    Json,
    Kind,
    Payload,
    Submission,
    Tag,
    assemble,
    from_wire,
    identity,
    lines_of,
    money,
    to_wire,
)

MESS_SALT = 7919  # the mess draws from its own generator: seed * MESS_SALT + 1
LATE, CORRECTED, DUPLICATED = 0.04, 0.04, 0.02
INVALID_EACH = 3
CONTRACTS_DECLARED_LATE = 8


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


# Spoilers of monthly reports: contracts declared late, late months, corrections, invalid rows.


def declared_late(stream: Schedule) -> None:
    """Some contracts arrive weeks after their first hours; those reports come twice."""
    rng = stream.rng
    reports_of: dict[str, list[int]] = {}
    for index, (_, payload) in enumerate(stream.reports):
        for line in lines_of(payload):
            reports_of.setdefault(str(line["contract_id"]), []).append(index)
    late: dict[str, datetime] = {}
    for cid in stream.pick_contracts(CONTRACTS_DECLARED_LATE):
        first = min(stream.reports[i][0] for i in reports_of[cid])
        late[cid] = first + timedelta(days=rng.randint(5, 40))
        stream.contracts[cid] = (late[cid], stream.contracts[cid][1])
    for index, (at, payload) in enumerate(stream.reports):
        ids = {str(line["contract_id"]) for line in lines_of(payload)}
        blockers = [late[cid] for cid in sorted(ids & set(late)) if late[cid] > at]
        if blockers:
            stream.emit(
                at, Kind.MONTHLY_HOURS, payload, Tag.BEFORE_CONTRACT, reason="unknown_contract"
            )
            resent = max(blockers) + timedelta(days=rng.randint(1, 10))
            stream.reports[index] = (resent, payload)
            stream.report_tags[index] = (Tag.RESENT,)


def late_reports(stream: Schedule) -> None:
    """Some months are reported two to eight months late."""
    for index in stream.pick_reports(round(LATE * len(stream.reports))):
        at, payload = stream.reports[index]
        stream.reports[index] = (at + timedelta(days=stream.rng.randint(60, 240)), payload)
        stream.report_tags[index] = (Tag.LATE,)


def corrected_reports(stream: Schedule) -> None:
    """A first version of some months, replaced by the right one weeks later."""
    rng = stream.rng
    for index in stream.pick_reports(round(CORRECTED * len(stream.reports))):
        at, payload = stream.reports[index]
        stream.emit(at, Kind.MONTHLY_HOURS, _spoilt_report(stream, payload, at), Tag.SUPERSEDED)
        stream.reports[index] = (at + timedelta(days=rng.randint(10, 90)), payload)
        stream.report_tags[index] = (Tag.CORRECTION,)


def _spoilt_report(stream: Schedule, payload: Payload, at: datetime) -> Payload:
    rng = stream.rng
    spoilt = copy.deepcopy(payload)
    lines = lines_of(spoilt)
    draw = rng.random()
    if draw < 0.35 and len(lines) >= 2:
        lines.remove(rng.choice(lines))
        kept: list[Json] = [*lines]
        spoilt["lines"] = kept
        return spoilt
    if draw < 0.55 and (extra := _forgotten_line(stream, spoilt, at)) is not None:
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


def _forgotten_line(stream: Schedule, payload: Payload, at: datetime) -> dict[str, Json] | None:
    """A line copied from an earlier month for a contract of the same employer and market."""
    present = {str(line["beneficiary_id"]) for line in lines_of(payload)}
    period = str(payload["period"])
    candidates = [
        c
        for declared, c in stream.contracts.values()
        if c.market_id == payload["market_id"]
        and c.employer_siret == payload["employer_siret"]
        and c.beneficiary_id not in present
        and declared < at
        and f"{c.start_date:%Y-%m}" <= period
    ]
    if not candidates:
        return None
    contract = stream.rng.choice(sorted(candidates, key=lambda c: c.contract_id))
    return {
        "beneficiary_id": contract.beneficiary_id,
        "contract_id": contract.contract_id,
        "insertion_hours": money(Decimal(stream.rng.randint(28, 140)) / 4),
        "training_hours": "0.00",
    }


def invalid_reports(stream: Schedule) -> None:
    """Rows ingest must refuse, each sent shortly before its corrected form."""
    rng = stream.rng
    spoilers: dict[str, Callable[[Payload], None]] = {
        "negative_hours": lambda p: _set_hours(rng, p, lambda v: -v),
        "hours_above_ceiling": lambda p: _set_hours(rng, p, lambda v: v + Decimal(208)),
        "invalid_siret": lambda p: p.update(employer_siret=str(p["employer_siret"])[1:]),
    }
    picks = [(reason, i) for reason in spoilers for i in stream.pick_reports(INVALID_EACH)]
    picks += [("invalid_period", i) for i in stream.pick_reports(INVALID_EACH, "2023-12")]
    for reason, index in picks:
        at, payload = stream.reports[index]
        spoilt = copy.deepcopy(payload)
        if reason == "invalid_period":
            spoilt["period"] = "2023-13"
        else:
            spoilers[reason](spoilt)
        before = at - timedelta(minutes=rng.randint(30, 2880))
        stream.emit(before, Kind.MONTHLY_HOURS, spoilt, Tag.INVALID, reason=reason)


def duplicated_reports(stream: Schedule) -> None:
    """The very same report sent twice."""
    for index in stream.pick_reports(round(DUPLICATED * len(stream.reports))):
        at, payload = stream.reports[index]
        again = at + timedelta(minutes=stream.rng.randint(5, 30 * 24 * 60))
        stream.emit(again, Kind.MONTHLY_HOURS, payload, Tag.DUPLICATE)


def _set_hours(rng: random.Random, payload: Payload, change: Callable[[Decimal], Decimal]) -> None:
    line = rng.choice(lines_of(payload))
    line["insertion_hours"] = money(change(Decimal(str(line["insertion_hours"])) or Decimal(7)))


# Spoilers of the other records: contracts, invoices and markets.


def contract_mess(stream: Schedule) -> None:
    """Unknown contract types, end dates corrected later, duplicates."""
    rng = stream.rng
    for cid in stream.pick_contracts(INVALID_EACH):
        at, contract = stream.contracts[cid]
        spoilt = {**to_wire(contract), "contract_type": "cui_pec"}
        before = at - timedelta(minutes=rng.randint(30, 300))
        stream.emit(before, Kind.WORK_CONTRACT, spoilt, Tag.INVALID, reason="unknown_contract_type")
    for cid in stream.pick_contracts(round(CORRECTED * len(stream.contracts)), ending=True):
        at, contract = stream.contracts[cid]
        assert contract.end_date is not None
        wrong = max(contract.start_date, contract.end_date - timedelta(days=rng.randint(15, 90)))
        if wrong == contract.end_date:
            continue
        first = {**to_wire(contract), "end_date": wrong.isoformat()}
        stream.emit(at, Kind.WORK_CONTRACT, first, Tag.SUPERSEDED)
        stream.contracts[cid] = (at + timedelta(days=rng.randint(20, 120)), contract)
        stream.contract_tags[cid] = (Tag.CORRECTION,)
    for cid in stream.pick_contracts(round(DUPLICATED * len(stream.contracts))):
        at, contract = stream.contracts[cid]
        again = at + timedelta(minutes=rng.randint(5, 10 * 24 * 60))
        stream.emit(again, Kind.WORK_CONTRACT, to_wire(contract), Tag.DUPLICATE)


def invoice_mess(stream: Schedule) -> None:
    """Invoices corrected later, a truncated SIRET, duplicates. A wrong first amount stays
    within its market's amount (ingest refuses an invoice above it): the rng draws are the
    same, so the rest of the mess is too."""
    rng = stream.rng
    market_amounts = {
        str(payload["market_id"]): Decimal(str(payload["amount_ht"]))
        for _, payload in stream.markets
    }
    order = rng.sample(range(len(stream.invoices)), len(stream.invoices))
    corrected = round(CORRECTED * len(order))
    duplicated = round(DUPLICATED * len(order))
    for index in order[:corrected]:
        at, payload = stream.invoices[index]
        amount = Decimal(str(payload["amount_ht"]))
        factor = Decimal(rng.choice(("0.5", "0.9", "1.1", "1.5", "10")))
        wrong = (amount * factor).quantize(Decimal("0.01"))
        if wrong <= 0 or wrong == amount:
            wrong = amount + 100
        ceiling = market_amounts.get(str(payload["market_id"]), wrong)
        if wrong > ceiling:  # a typo above the market's amount: half the amount instead
            wrong = (amount * Decimal("0.5")).quantize(Decimal("0.01"))
        stream.emit(at, Kind.INVOICE, {**payload, "amount_ht": money(wrong)}, Tag.SUPERSEDED)
        stream.invoices[index] = (at + timedelta(days=rng.randint(10, 60)), payload)
        stream.invoice_tags[index] = (Tag.CORRECTION,)
    for index in order[corrected : corrected + duplicated]:
        at, payload = stream.invoices[index]
        stream.emit(at + timedelta(days=rng.randint(0, 20)), Kind.INVOICE, payload, Tag.DUPLICATE)
    for index in order[corrected + duplicated :][:INVALID_EACH]:
        at, payload = stream.invoices[index]
        spoilt = {**payload, "holder_siret": str(payload["holder_siret"])[1:]}
        before = at - timedelta(minutes=rng.randint(30, 600))
        stream.emit(before, Kind.INVOICE, spoilt, Tag.INVALID, reason="invalid_siret")


def market_mess(stream: Schedule) -> None:
    """A few amounts typed wrong at first (a digit too many or too few), duplicates. A digit
    too few that would leave one of the market's invoices above it (ingest refuses such an
    invoice) is a digit too many instead: the rng draws are the same."""
    rng = stream.rng
    invoiced: dict[str, Decimal] = {}
    for payload in [p for _, p in stream.invoices] + [
        item.payload for item in stream.items if item.kind is Kind.INVOICE
    ]:
        market_id, amount = str(payload["market_id"]), Decimal(str(payload["amount_ht"]))
        invoiced[market_id] = max(invoiced.get(market_id, amount), amount)
    order = rng.sample(range(len(stream.markets)), len(stream.markets))
    for index in order[: INVALID_EACH + 1]:
        at, payload = stream.markets[index]
        amount = Decimal(str(payload["amount_ht"]))
        wrong = (amount * Decimal(rng.choice(("10", "0.1")))).quantize(Decimal("0.01"))
        if wrong < invoiced.get(str(payload["market_id"]), Decimal(0)):
            wrong = amount * 10
        stream.emit(at, Kind.MARKET, {**payload, "amount_ht": money(wrong)}, Tag.SUPERSEDED)
        stream.markets[index] = (at + timedelta(days=rng.randint(2, 20)), payload)
        stream.market_tags[index] = (Tag.CORRECTION,)
    for index in order[INVALID_EACH + 1 :][: len(order) // 100]:
        at, payload = stream.markets[index]
        stream.emit(at + timedelta(hours=rng.randint(1, 72)), Kind.MARKET, payload, Tag.DUPLICATE)


def arrange(dataset: Dataset) -> tuple[Submission, ...]:
    """The submissions of the dataset in arrival order, with the mess of real life."""
    mess = Schedule(dataset)
    for spoiler in (
        declared_late,
        late_reports,
        corrected_reports,
        invalid_reports,
        duplicated_reports,
        contract_mess,
        invoice_mess,
        market_mess,
    ):
        spoiler(mess)
    mess.everything()
    ordered = sorted(enumerate(mess.items), key=lambda pair: (pair[1].at, pair[0]))
    return tuple(
        Submission(seq, item.at, item.kind, item.payload, item.expected, item.reason, item.tags)
        for seq, (_, item) in enumerate(ordered)
    )


def replay(submissions: tuple[Submission, ...], seed: int) -> Dataset:
    """The facts the submissions leave: refused ones dropped, the latest of each identity wins."""
    latest: dict[tuple[str, ...], Submission] = {}
    for submission in sorted(submissions, key=lambda s: s.seq):
        if submission.expected is Expected.ACCEPTED:
            latest[identity(submission.kind, submission.payload)] = submission
    return assemble(seed, [from_wire(s.kind, s.payload) for s in latest.values()])
