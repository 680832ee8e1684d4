"""An independent oracle: the aggregates computed from scratch from the latest versions.

Written as plainly as possible (sets of people, Decimal sums), without the incremental
bookkeeping of the service's domain, so the two can be compared.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from services.clauses.domain.clause import clause_status
from services.clauses.domain.facts import market_facts
from shared.aggregates import ClauseStatus, CountedThing, DistinctCount, HoursCell, aggregate_key
from shared.codes import ALTERNANCE, SocialConsideration
from shared.events import (
    Event,
    HoursLine,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

Aggregate = HoursCell | DistinctCount | ClauseStatus
Resolved = tuple[MonthlyHoursReported, HoursLine, MarketNotified, WorkContractSigned]


def latest_versions(events: Iterable[Event]) -> list[Event]:
    """The highest version of each identity."""
    latest: dict[tuple[str, ...], Event] = {}
    for event in events:
        identity = (type(event).__name__, *(str(getattr(event, f)) for f in event.IDENTITY))
        if identity not in latest or latest[identity].version < event.version:
            latest[identity] = event
    return list(latest.values())


def _resolved(latest: list[Event]) -> Iterator[Resolved]:
    markets = {e.market_id: e for e in latest if isinstance(e, MarketNotified)}
    contracts = {e.contract_id: e for e in latest if isinstance(e, WorkContractSigned)}
    for report in latest:
        if isinstance(report, MonthlyHoursReported) and report.market_id in markets:
            for line in report.lines:
                if line.contract_id in contracts:
                    yield report, line, markets[report.market_id], contracts[line.contract_id]


def _reserved(market: MarketNotified) -> bool:
    return SocialConsideration.RESERVED_MARKET in market.social_considerations


def _cells(resolved: list[Resolved]) -> list[HoursCell]:
    sums: defaultdict[tuple[object, ...], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0)]
    )
    for report, line, market, contract in resolved:
        cell = sums[
            (
                report.period,
                report.market_id,
                market.category,
                _reserved(market),
                contract.gender,
                contract.contract_type,
                contract.eligible_public,
                contract.modality,
                report.employer_siret,
            )
        ]
        cell[0] += line.insertion_hours
        cell[1] += line.training_hours
    names = list(HoursCell.model_fields)[1:10]
    return [
        HoursCell.model_validate(
            {**dict(zip(names, k, strict=True)), "insertion_hours": v[0], "training_hours": v[1]}
        )
        for k, v in sums.items()
        if v != [0, 0]
    ]


def _counts(resolved: list[Resolved]) -> list[DistinctCount]:
    members: defaultdict[tuple[int, str, str, str], set[str]] = defaultdict(set)
    for report, line, market, contract in resolved:
        if line.insertion_hours + line.training_hours == 0:
            continue
        year = int(report.period[:4])
        person = [
            ("all", "all"),
            ("gender", contract.gender),
            ("contract_type", contract.contract_type),
            ("eligible_public", contract.eligible_public),
            ("modality", contract.modality),
        ]
        if contract.contract_type in ALTERNANCE:
            person.append(("contract_type", "alternance"))
        for breakdown, value in person:
            members[(year, "contracts", breakdown, value)].add(contract.contract_id)
            members[(year, "beneficiaries", breakdown, value)].add(contract.beneficiary)
        for breakdown, value in [
            ("all", "all"),
            ("category", market.category),
            ("reserved_market", str(_reserved(market)).lower()),
        ]:
            members[(year, "markets_with_hours", breakdown, value)].add(market.market_id)
        employer = report.employer_siret
        members[(year, "employers", "all", "all")].add(employer)
        sme = any(h.siret == employer and h.is_sme for h in market.holders)
        members[(year, "employers", "is_sme", str(sme).lower())].add(employer)
    for year in {key[0] for key in members}:  # an SME on one of its markets is an SME
        members[(year, "employers", "is_sme", "false")] -= members[
            (year, "employers", "is_sme", "true")
        ]
    return [
        DistinctCount(
            year=k[0], counted=CountedThing(k[1]), breakdown=k[2], value=k[3], count=len(v)
        )
        for k, v in members.items()
        if v
    ]


def _statuses(latest: list[Event], cells: list[HoursCell], as_of: str) -> list[ClauseStatus]:
    statuses = []
    for market in (e for e in latest if isinstance(e, MarketNotified)):
        mine = [
            e
            for e in latest
            if isinstance(e, InvoiceRecorded | MonthlyHoursReported)
            and e.market_id == market.market_id
            and e.period <= as_of
        ]
        status = clause_status(
            market.market_id,
            market_facts(market),
            as_of=as_of,
            invoiced=sum((e.amount_ht for e in mine if isinstance(e, InvoiceRecorded)), Decimal(0)),
            realised=sum(
                (
                    c.insertion_hours
                    for c in cells
                    if c.market_id == market.market_id and c.period <= as_of
                ),
                Decimal(0),
            ),
            reported=any(isinstance(e, MonthlyHoursReported) and e.period == as_of for e in mine),
        )
        if status is not None:
            statuses.append(status)
    return statuses


def reference_aggregates(events: Iterable[Event], *, as_of: str) -> dict[str, Aggregate]:
    """Every non-empty aggregate of the latest versions of the events, by key."""
    latest = latest_versions(events)
    resolved = list(_resolved(latest))
    cells = _cells(resolved)
    found: list[Aggregate] = [*cells, *_counts(resolved), *_statuses(latest, cells, as_of)]
    return {aggregate_key(aggregate): aggregate for aggregate in found}
