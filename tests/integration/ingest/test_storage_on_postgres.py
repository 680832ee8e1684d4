"""Versions on PostgreSQL: concurrent writers never hand out the same version twice."""

import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from harness.builders import a_contract, an_invoice
from services.ingest.adapters.migrations import migrate
from services.ingest.adapters.storage import SqlStore
from services.ingest.domain.versions import Pending, Reservation
from shared.db import make_engine


def test_concurrent_changes_of_one_identity_get_distinct_successive_versions(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    store = SqlStore(engine)
    market_id = f"IT-{uuid.uuid4().hex[:16]}"
    writers = 6
    barrier = threading.Barrier(writers)
    versions: list[int] = []

    def write(amount: int) -> None:
        invoice = an_invoice(market_id=market_id, amount_ht=Decimal(amount))
        pending = Pending(
            str(uuid.uuid4()), "test", "invoice", "t", "t-id", datetime.now(UTC), [invoice]
        )
        barrier.wait()
        [reservation] = store.reserve([pending])
        assert isinstance(reservation, Reservation)
        versions.append(reservation.receipts[0].version)

    threads = [threading.Thread(target=write, args=(100 + n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(versions) == list(range(1, writers + 1))


def test_published_contracts_are_recorded_new_ones_and_changed_ones_alike(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    store = SqlStore(engine)
    prefix = f"IT-{uuid.uuid4().hex[:12]}"
    first = [a_contract(contract_id=f"{prefix}-{n}", start_date=date(2023, 1, 1)) for n in range(3)]
    changed = a_contract(contract_id=f"{prefix}-1", start_date=date(2023, 2, 1), version=2)
    new = a_contract(contract_id=f"{prefix}-3")

    store.mark_published([], first, datetime.now(UTC))
    store.mark_published([], [changed, new], datetime.now(UTC))
    known = store.contracts([f"{prefix}-{n}" for n in range(5)])

    assert sorted(known) == [f"{prefix}-{n}" for n in range(4)]
    assert known[f"{prefix}-0"].start_date == date(2023, 1, 1)
    assert known[f"{prefix}-1"].start_date == date(2023, 2, 1)
