"""Spoilers of the other records: contracts, invoices and markets."""

from datetime import timedelta
from decimal import Decimal

from deploy.dataset.model import Kind, Tag
from deploy.dataset.schedule import Schedule
from deploy.dataset.spoil import CORRECTED, DUPLICATED, INVALID_EACH
from deploy.dataset.wire import money, to_wire


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
