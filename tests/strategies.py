"""Hypothesis strategies that generate valid events of every type."""

from decimal import Decimal

from hypothesis import strategies as st

from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)
from shared.events import (
    Buyer,
    Holder,
    InsertionCommitment,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

sirets = st.from_regex(r"[0-9]{14}", fullmatch=True)
identifiers = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,20}", fullmatch=True)
pseudonyms = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)
periods = st.builds("{:04d}-{:02d}".format, st.integers(2000, 2100), st.integers(1, 12))
versions = st.integers(1, 1000)
hours = st.decimals(min_value=0, max_value=999_999, places=2, allow_nan=False)
amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("9999999999999"), places=2, allow_nan=False
)
dates = st.dates()
names = st.none() | st.text(max_size=40)


def _unique(elements: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(elements, unique=True, max_size=3).map(tuple)


commitments = st.one_of(
    st.builds(
        InsertionCommitment, hours_per_10k_eur_ht=hours, min_hours_per_year=hours | st.none()
    ),
    st.builds(InsertionCommitment, min_hours_per_year=hours),
    st.builds(InsertionCommitment, fixed_total_hours=hours),
)
holders = st.lists(
    st.builds(
        Holder,
        siret=sirets,
        name=names,
        is_sme=st.none() | st.booleans(),
        in_territory=st.none() | st.booleans(),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda holder: holder.siret,
).map(tuple)
markets = st.builds(
    MarketNotified,
    market_id=identifiers,
    version=versions,
    buyer=st.builds(Buyer, siret=sirets, name=names),
    title=st.text(min_size=1, max_size=60),
    category=st.sampled_from(MarketCategory),
    cpv_code=st.none() | st.from_regex(r"[0-9]{8}", fullmatch=True),
    amount_ht=amounts,
    notification_date=dates,
    duration_months=st.integers(1, 600),
    holders=holders,
    social_considerations=_unique(st.sampled_from(SocialConsideration)),
    environmental_considerations=_unique(st.sampled_from(EnvironmentalConsideration)),
    insertion_commitment=st.none() | commitments,
)
invoices = st.builds(
    InvoiceRecorded,
    market_id=identifiers,
    version=versions,
    holder_siret=sirets,
    period=periods,
    amount_ht=amounts,
)
contracts = st.builds(
    WorkContractSigned,
    contract_id=identifiers,
    version=versions,
    beneficiary=pseudonyms,
    gender=st.sampled_from(Gender),
    contract_type=st.sampled_from(ContractType),
    eligible_public=st.sampled_from(EligiblePublic),
    modality=st.sampled_from(Modality),
    employer_siret=sirets,
    market_id=identifiers,
    start_date=dates,
    end_date=st.none(),
)
hours_lines = st.lists(
    st.fixed_dictionaries(
        {
            "beneficiary": pseudonyms,
            "contract_id": identifiers,
            "insertion_hours": hours,
            "training_hours": hours,
        }
    ),
    max_size=5,
    unique_by=lambda line: line["contract_id"],
)
hours_reports = st.builds(
    MonthlyHoursReported,
    market_id=identifiers,
    version=versions,
    employer_siret=sirets,
    period=periods,
    lines=hours_lines,
)
any_events = st.one_of(markets, invoices, contracts, hours_reports)
