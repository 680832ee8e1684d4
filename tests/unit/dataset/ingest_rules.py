"""A stand-in for ingest's rules, to check what the dataset's mess expects of ingest.

Shapes are checked by the event contract itself (`shared.events`, with a stand-in
pseudonym); then the rules ingest applies across submissions: known market, known contract
of the same market, employer and person, no month before the contract starts, at most
208 hours in a month for one person, and no invoice above its market's amount.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from reference_dataset.records import Kind, Submission
from shared.events import InvoiceRecorded, MarketNotified, MonthlyHoursReported, WorkContractSigned

CEILING = Decimal(208)
_FIELD_CODES = {
    "period": "invalid_period",
    "employer_siret": "invalid_siret",
    "holder_siret": "invalid_siret",
    "siret": "invalid_siret",
    "contract_type": "unknown_contract_type",
    "insertion_hours": "negative_hours",
    "training_hours": "negative_hours",
}


def stand_in_pseudonym(raw_id: str) -> str:
    """Not the real keyed hash: enough for the contract's shape."""
    return hashlib.sha256(raw_id.encode()).hexdigest()


@dataclass
class IngestState:
    """What ingest knows: markets and contracts accepted so far."""

    markets: set[str] = field(default_factory=set)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)


def _shape_problem(submission: Submission) -> str | None:
    payload: dict[str, Any] = dict(submission.payload)
    try:
        match submission.kind:
            case Kind.MARKET:
                MarketNotified.model_validate(payload)
            case Kind.INVOICE:
                InvoiceRecorded.model_validate(payload)
            case Kind.WORK_CONTRACT:
                raw = str(payload.pop("beneficiary_id"))
                WorkContractSigned.model_validate(
                    {**payload, "beneficiary": stand_in_pseudonym(raw)}
                )
            case Kind.MONTHLY_HOURS:
                lines = [dict(line) for line in payload["lines"]]
                for line in lines:
                    line["beneficiary"] = stand_in_pseudonym(str(line.pop("beneficiary_id")))
                MonthlyHoursReported.model_validate({**payload, "lines": lines})
    except ValidationError as error:
        names = [str(part) for part in error.errors()[0]["loc"]]
        return next((_FIELD_CODES[n] for n in reversed(names) if n in _FIELD_CODES), str(names))
    return None


def _hours_problem(payload: dict[str, Any], state: IngestState) -> str | None:
    per_person: dict[str, Decimal] = {}
    for line in payload["lines"]:
        contract = state.contracts.get(line["contract_id"])
        if contract is None:
            return "unknown_contract"
        same = (contract["market_id"], contract["employer_siret"], contract["beneficiary_id"])
        if same != (payload["market_id"], payload["employer_siret"], line["beneficiary_id"]):
            return "contract_mismatch"
        if payload["period"] < contract["start_date"][:7]:
            return "period_before_contract_start"
        hours = Decimal(line["insertion_hours"]) + Decimal(line["training_hours"])
        person = line["beneficiary_id"]
        per_person[person] = per_person.get(person, Decimal(0)) + hours
        if per_person[person] > CEILING:
            return "hours_above_ceiling"
    return None


def refusal(submission: Submission, state: IngestState) -> str | None:
    """Why ingest refuses the submission (None: accepted, and the state learns it)."""
    payload: dict[str, Any] = dict(submission.payload)
    if (problem := _shape_problem(submission)) is not None:
        return problem
    if submission.kind is not Kind.MARKET and payload["market_id"] not in state.markets:
        return "unknown_market"
    if submission.kind is Kind.MONTHLY_HOURS and (problem := _hours_problem(payload, state)):
        return problem
    if submission.kind is Kind.INVOICE and Decimal(str(payload["amount_ht"])) > state.amounts.get(
        payload["market_id"], Decimal("Infinity")
    ):
        return "invoice_above_market_amount"
    if submission.kind is Kind.MARKET:
        state.markets.add(payload["market_id"])
        state.amounts[payload["market_id"]] = Decimal(str(payload["amount_ht"]))
    if submission.kind is Kind.WORK_CONTRACT:
        state.contracts[payload["contract_id"]] = payload
    return None
