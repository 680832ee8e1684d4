"""The loader's plan (pure): which entry point takes each submission, and in which steps.

A step is a group of submissions that do not depend on each other, so it can be sent in
any order, in lists and files: nothing in a step cites a market, a contract or an identity
that another submission of the same step declares. Steps follow the arrival order, so a
market is known before the hours on it, a refused report (its contract not declared yet)
goes before its contract, and the latest submission of an identity is the last one sent.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from reference_dataset.loader.documents import decp_category
from reference_dataset.records import Expected, Kind, Payload, Submission, identity, lines_of

DECP_CEILING = Decimal(15_000)  # markets counted by no indicator (all count above 15 000)
STEP_SIZE = 400
RAW_EVERY = 10  # one submission in ten goes through the raw topic
JSON_EVERY = 4  # of the other monthly reports, one in four as JSON, the rest in CSV files


class Channel(StrEnum):
    """An entry point of ingest."""

    JSON = "json"
    CSV = "csv"
    DECP = "decp"
    RAW = "raw"


@dataclass(frozen=True, slots=True)
class Item:
    """A submission, the entry point it goes through, what it cites and what it declares."""

    submission: Submission
    channel: Channel
    needs: frozenset[str]
    gives: frozenset[str]


@dataclass(slots=True)
class Step:
    """Submissions independent of each other, sent together."""

    items: list[Item] = field(default_factory=list)
    needs: set[str] = field(default_factory=set)
    gives: set[str] = field(default_factory=set)

    def clashes(self, item: Item) -> bool:
        """Whether the item cites, declares or repeats something of the step."""
        return bool(item.needs & self.gives or item.gives & self.needs or item.gives & self.gives)

    def add(self, item: Item) -> None:
        """Take the item in."""
        self.items.append(item)
        self.needs |= item.needs
        self.gives |= item.gives


def decp_eligible(payload: Payload) -> bool:
    """A small market with no commitment, which a DECP record carries without loss that counts.

    DECP knows neither the holders' SME and territory flags nor a commitment; every
    indicator counts markets above 15 000 EUR HT only, so these markets change no figure.
    """
    return (
        Decimal(str(payload["amount_ht"])) <= DECP_CEILING
        and payload["insertion_commitment"] is None
        and payload["category"] != "public_service_delegation"
        and payload["cpv_code"] is not None
        and decp_category(payload) == payload["category"]
    )


def channel_of(submission: Submission) -> Channel:
    """The entry point of one submission (deterministic: it depends on its place only)."""
    seq, kind = submission.seq, submission.kind
    if submission.expected is Expected.REFUSED:
        if kind is Kind.MONTHLY_HOURS and submission.reason != "unknown_contract":
            return (Channel.JSON, Channel.CSV, Channel.RAW)[seq % 3]
        return (Channel.JSON, Channel.RAW)[seq % 2]
    if seq % RAW_EVERY == RAW_EVERY // 2:
        return Channel.RAW
    if kind is Kind.MARKET and not submission.tags and decp_eligible(submission.payload):
        return Channel.DECP
    if kind is Kind.MONTHLY_HOURS and seq % JSON_EVERY != 1:
        return Channel.CSV
    return Channel.JSON


def item_of(submission: Submission) -> Item:
    """The submission with its channel, what it cites and what it declares."""
    payload, kind = submission.payload, submission.kind
    own = "|".join(identity(kind, payload))
    needs = set()
    gives = {own}
    if kind is Kind.MARKET:
        gives.add(f"market|{payload['market_id']}")
    else:
        needs.add(f"market|{payload['market_id']}")
    if kind is Kind.WORK_CONTRACT:
        gives.add(f"contract|{payload['contract_id']}")
    if kind is Kind.MONTHLY_HOURS:
        needs |= {f"contract|{line['contract_id']}" for line in lines_of(payload)}
    return Item(submission, channel_of(submission), frozenset(needs), frozenset(gives))


def steps(submissions: Iterable[Submission], size: int = STEP_SIZE) -> list[Step]:
    """The submissions in arrival order, cut into steps of independent submissions."""
    cut: list[Step] = [Step()]
    for submission in sorted(submissions, key=lambda s: s.seq):
        item = item_of(submission)
        if cut[-1].clashes(item) or len(cut[-1].items) >= size:
            cut.append(Step())
        cut[-1].add(item)
    return [step for step in cut if step.items]
