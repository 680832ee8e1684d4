"""Versions on PostgreSQL: concurrent writers never hand out the same version twice."""

import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from services.ingest.records import Pending
from services.ingest.store import SqlStore
from shared.db import make_engine
from tests.builders import an_invoice


def test_concurrent_changes_of_one_identity_get_distinct_successive_versions(
    postgres_url: str,
) -> None:
    store = SqlStore(make_engine(postgres_url))
    store.create_tables()
    market_id = f"IT-{uuid.uuid4().hex[:16]}"
    writers = 6
    barrier = threading.Barrier(writers)
    versions: list[int] = []

    def write(amount: int) -> None:
        invoice = an_invoice(market_id=market_id, amount_ht=Decimal(amount))
        pending = Pending(str(uuid.uuid4()), "test", "invoice", "t", datetime.now(UTC), [invoice])
        barrier.wait()
        [reservation] = store.reserve([pending])
        versions.append(reservation.receipts[0].version)

    threads = [threading.Thread(target=write, args=(100 + n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(versions) == list(range(1, writers + 1))
