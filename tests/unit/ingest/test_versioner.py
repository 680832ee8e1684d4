"""Recording a batch of submissions: one row per submission id, with all its receipts."""

from datetime import UTC, datetime

from harness.builders import a_contract
from services.ingest.domain.versions import Known, Pending, Versioner, content_hash, identity_of

NOW = datetime(2023, 7, 15, tzinfo=UTC)


def pending(submission_id: str, contract_id: str, principal: str = "titulaire") -> Pending:
    event = a_contract(contract_id=contract_id)
    return Pending(
        submission_id, "raw", "work_contract", principal, f"id-{principal}", NOW, [event]
    )


def test_pendings_sharing_an_id_are_recorded_as_one_submission_with_every_receipt() -> None:
    batch = [pending("batch", "C-1"), pending("batch", "C-2"), pending("other", "C-3")]
    versioner = Versioner({})
    reservations = [versioner.reserve(p) for p in batch]

    rows, replayed = versioner.submission_rows(batch, reservations)

    assert [row["id"] for row in rows] == ["batch", "other"]
    assert [len(row["receipts"]) for row in rows] == [2, 1]
    assert [row["status"] for row in rows] == ["pending", "pending"]
    assert replayed == []


def test_a_replay_in_a_shared_batch_points_to_the_earlier_submission_not_the_shared_row() -> None:
    event = a_contract(contract_id="C-1")
    known = {identity_of(event): Known(1, content_hash(event), "earlier", published=True)}
    batch = [pending("batch", "C-1"), pending("batch", "C-2")]
    versioner = Versioner(known)
    reservations = [versioner.reserve(p) for p in batch]

    rows, replayed = versioner.submission_rows(batch, reservations)

    assert replayed == ["earlier"]
    assert [(row["id"], row["status"], len(row["receipts"])) for row in rows] == [
        ("batch", "pending", 1)
    ]
