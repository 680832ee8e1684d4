"""Streams of events that refer to each other (small pools of markets, contracts, people).

Each identity gets one or more distinct versions with their own content, so a stream holds
corrections; duplicates and arrival order are left to the test.
"""

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from harness.builders import BUYER_SIRET, pseudonym
from shared.codes import ContractType, EligiblePublic, Gender, MarketCategory, Modality
from shared.events import (
    Event,
    InsertionCommitment,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

MARKET_IDS = ("M-1", "M-2", "M-3")
CONTRACT_IDS = ("C-1", "C-2", "C-3", "C-4", "C-5", "C-6")
EMPLOYERS = ("11111111111111", "22222222222222", "33333333333333")
PEOPLE = tuple(pseudonym(f"person-{n}") for n in range(4))
PERIODS = ("2022-11", "2022-12", "2023-01", "2023-02")
AS_OF = "2023-01"

versions = st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True)
small_hours = st.integers(0, 4000).map(lambda n: Decimal(n).scaleb(-2)) | st.just(Decimal(0))
commitments = st.none() | st.sampled_from(
    [
        InsertionCommitment(hours_per_10k_eur_ht=Decimal(10), min_hours_per_year=Decimal(150)),
        InsertionCommitment(hours_per_10k_eur_ht=Decimal(7)),
        InsertionCommitment(fixed_total_hours=Decimal(400)),
    ]
)


@st.composite
def _market(draw: st.DrawFn, market_id: str, version: int) -> MarketNotified:
    holders = draw(st.lists(st.sampled_from(EMPLOYERS), min_size=1, max_size=2, unique=True))
    return MarketNotified(
        market_id=market_id,
        version=version,
        buyer={"siret": BUYER_SIRET},
        title=f"Marché {market_id}",
        category=draw(st.sampled_from(MarketCategory)),
        amount_ht=Decimal("500000.00"),
        notification_date=draw(st.sampled_from([date(2022, 6, 1), date(2022, 12, 15)])),
        duration_months=draw(st.sampled_from([3, 12, 24])),
        holders=[{"siret": siret, "is_sme": draw(st.none() | st.booleans())} for siret in holders],
        social_considerations=draw(st.sampled_from([(), ("social_clause",), ("reserved_market",)])),
        insertion_commitment=draw(commitments),
    )


@st.composite
def _contract(draw: st.DrawFn, contract_id: str, version: int) -> WorkContractSigned:
    return WorkContractSigned(
        contract_id=contract_id,
        version=version,
        beneficiary=draw(st.sampled_from(PEOPLE)),
        gender=draw(st.sampled_from(Gender)),
        contract_type=draw(st.sampled_from(ContractType)),
        eligible_public=draw(st.sampled_from(EligiblePublic)),
        modality=draw(st.sampled_from(Modality)),
        employer_siret=draw(st.sampled_from(EMPLOYERS)),
        market_id=draw(st.sampled_from(MARKET_IDS)),
        start_date=date(2022, 1, 1),
    )


@st.composite
def _report(draw: st.DrawFn, key: tuple[str, str, str], version: int) -> MonthlyHoursReported:
    contracts = draw(st.lists(st.sampled_from(CONTRACT_IDS), min_size=1, max_size=4, unique=True))
    lines = [
        {
            "beneficiary": draw(st.sampled_from(PEOPLE)),
            "contract_id": contract_id,
            "insertion_hours": draw(small_hours),
            "training_hours": draw(small_hours),
        }
        for contract_id in contracts
    ]
    market_id, employer, period = key
    return MonthlyHoursReported(
        market_id=market_id, employer_siret=employer, period=period, version=version, lines=lines
    )


@st.composite
def _invoice(draw: st.DrawFn, key: tuple[str, str, str], version: int) -> InvoiceRecorded:
    market_id, holder, period = key
    cents = draw(st.integers(1, 20_000_000))
    return InvoiceRecorded(
        market_id=market_id,
        holder_siret=holder,
        period=period,
        version=version,
        amount_ht=Decimal(cents).scaleb(-2),
    )


def _keys(min_size: int) -> st.SearchStrategy[list[tuple[str, str, str]]]:
    triple = st.tuples(
        st.sampled_from(MARKET_IDS), st.sampled_from(EMPLOYERS), st.sampled_from(PERIODS)
    )
    return st.lists(triple, min_size=min_size, max_size=8, unique=True)


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    """Every version of every identity of a small world (some markets or contracts missing)."""
    events: list[Event] = []
    for market_id in draw(st.lists(st.sampled_from(MARKET_IDS), min_size=1, unique=True)):
        events += [draw(_market(market_id, version)) for version in draw(versions)]
    for contract_id in draw(st.lists(st.sampled_from(CONTRACT_IDS), min_size=2, unique=True)):
        events += [draw(_contract(contract_id, version)) for version in draw(versions)]
    for key in draw(_keys(min_size=1)):
        events += [draw(_report(key, version)) for version in draw(versions)]
    for key in draw(_keys(min_size=0)):
        events += [draw(_invoice(key, version)) for version in draw(versions)]
    return events


@st.composite
def deliveries(draw: st.DrawFn, events: list[Event]) -> list[Event]:
    """The events in any order, some of them delivered more than once."""
    duplicated = draw(st.lists(st.sampled_from(events), max_size=len(events))) if events else []
    return draw(st.permutations(events + duplicated))
