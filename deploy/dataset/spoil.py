"""Spoilers of monthly reports: contracts declared late, late months, corrections, invalid rows."""

import copy
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from deploy.dataset.model import Json, Kind, Tag
from deploy.dataset.schedule import Schedule, lines_of
from deploy.dataset.wire import Payload, money

LATE, CORRECTED, DUPLICATED = 0.04, 0.04, 0.02
INVALID_EACH = 3
CONTRACTS_DECLARED_LATE = 8


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
