"""The loader's CSV files and DECP documents, read by ingest's own (pure) readers."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from harness.builders import TEST_PSEUDONYMISATION_KEY
from reference_dataset.loader.answers import Outcome, refused, surprise
from reference_dataset.loader.documents import decp_document, hours_csv
from reference_dataset.loader.plan import decp_eligible
from reference_dataset.records import (
    Expected,
    Kind,
    MonthlyHours,
    Payload,
    Submission,
    WorkContract,
    to_wire,
)
from services.ingest.domain.decp import parse_decp
from services.ingest.domain.hours_csv import parse_hours_csv
from services.ingest.domain.hours_rows import events_from_rows
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.refusals import Problem, validation_items
from services.ingest.domain.rules import ContractFacts, RuleContext, contract_event, hours_event
from services.ingest.domain.submissions import MonthlyHoursSubmission, WorkContractSubmission
from shared.events import Event, MarketNotified
from tests.unit.dataset import cached

PSEUDONYMISE = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)


def contracts() -> dict[str, Payload]:
    return {c.contract_id: to_wire(c) for c in cached.dataset().contracts}


def facts_of(contract: WorkContract) -> ContractFacts:
    beneficiary = PSEUDONYMISE(contract.beneficiary_id)
    return ContractFacts(
        contract.market_id, contract.employer_siret, beneficiary, contract.start_date
    )


def context(facts: dict[str, ContractFacts]) -> RuleContext:
    markets = cached.dataset().markets
    return RuleContext(
        today=date(2024, 6, 1),
        holders={m.market_id: frozenset(h.siret for h in m.holders) for m in markets},
        markets_lag=0,
        contracts=facts,
        monthly_ceiling=Decimal(208),
        max_lines_per_report=5000,
    )


def json_events(reports: list[MonthlyHours]) -> list[Event]:
    """What ingest makes of the reports and of their contracts, sent as JSON."""
    cited = {line.contract_id for report in reports for line in report.lines}
    declared = [c for c in cached.dataset().contracts if c.contract_id in cited]
    events: list[Event | list[Problem]] = [
        contract_event(WorkContractSubmission.model_validate(to_wire(c)), PSEUDONYMISE, context({}))
        for c in declared
    ]
    facts = {c.contract_id: facts_of(c) for c in declared}
    events += [
        hours_event(MonthlyHoursSubmission.model_validate(to_wire(r)), PSEUDONYMISE, context(facts))
        for r in reports
    ]
    return [e for e in events if isinstance(e, Event)]


def test_a_months_csv_reads_back_as_the_events_its_json_reports_and_contracts_make() -> None:
    reports = [r for r in cached.dataset().hours if r.period == "2023-06"]
    document = hours_csv([to_wire(r) for r in reports], contracts())

    parsed = parse_hours_csv(document, PSEUDONYMISE)
    from_csv = events_from_rows(parsed.rows, context({}))

    assert parsed.problems == []
    assert document.decode("utf-8-sig").splitlines()[0].startswith("Marché;SIRET employeur")
    assert len(reports) > 50
    assert all(isinstance(e, Event) for e in from_csv)
    assert sorted(e.model_dump_json() for e in from_csv if isinstance(e, Event)) == sorted(
        e.model_dump_json() for e in json_events(reports)
    )


def test_a_decp_document_reads_back_as_its_markets_less_what_decp_cannot_say() -> None:
    markets = [m for m in cached.dataset().markets if decp_eligible(to_wire(m))]
    expected = [
        MarketNotified.model_validate(
            {
                **to_wire(m),
                "buyer": {"siret": m.buyer_siret},
                "holders": [{"siret": h.siret} for h in m.holders],
            }
        )
        for m in markets
    ]

    parsed = parse_decp(decp_document([to_wire(m) for m in markets]))

    assert len(markets) > 20
    assert parsed.defects == []
    assert [m.model_dump(exclude={"version", "event_id"}) for m in parsed.markets] == [
        m.model_dump(exclude={"version", "event_id"}) for m in expected
    ]


def refused_hours() -> list[Submission]:
    return [
        s
        for s in cached.submissions()
        if s.kind is Kind.MONTHLY_HOURS
        and s.expected is Expected.REFUSED
        and s.reason != "unknown_contract"
    ]


def as_outcome(problems: list[Problem], said: str) -> Outcome:
    items: list[dict[str, Any]] = [{"code": p.code, "field": p.field} for p in problems]
    return refused(said, items) if items else Outcome(accepted=True)


@pytest.mark.parametrize("submission", refused_hours(), ids=lambda s: f"{s.reason}-{s.seq}")
def test_an_invalid_report_is_refused_for_its_reason_in_csv_and_in_json(
    submission: Submission,
) -> None:
    facts = {c.contract_id: facts_of(c) for c in cached.dataset().contracts}

    parsed = parse_hours_csv(hours_csv([submission.payload], contracts()), PSEUDONYMISE)
    by_csv = parsed.problems or [
        p for p in events_from_rows(parsed.rows, context({})) if isinstance(p, Problem)
    ]
    try:
        report = MonthlyHoursSubmission.model_validate(submission.payload)
    except ValidationError as error:
        items = validation_items(error.errors(include_input=False, include_url=False))
        by_json = refused("invalid body", [i.model_dump() for i in items])
    else:
        result = hours_event(report, PSEUDONYMISE, context(facts))
        by_json = as_outcome(result if isinstance(result, list) else [], "rules")

    assert surprise(submission, as_outcome(by_csv, "csv")) is None
    assert surprise(submission, by_json) is None
