"""Versions for a batch of submissions, from what is known of each identity (pure)."""

from collections.abc import Mapping, Sequence
from typing import Any

from services.ingest.records import Conflict, Pending, Receipt, Reservation, Stale
from services.ingest.versions import Encoded, Known, decide, encode, identity_of, with_version
from shared.topics import topic_for


class Versioner:
    """Decides each event's version in order; later submissions see earlier ones' versions."""

    def __init__(self, known: Mapping[str, Known]) -> None:
        self._known = dict(known)
        self._in_db = set(known)
        self._dirty: dict[str, tuple[Known, str]] = {}

    def reserve(self, pending: Pending) -> Reservation | Conflict:
        """Versions of one submission's events; a repeat of one earlier submission replays it;
        a Conflict (nothing reserved) when an event replaces a version no longer current."""
        decided = []
        for event in pending.events:
            identity, encoded = identity_of(event), encode(event)
            digest = encoded.content_hash
            decided.append((identity, digest, decide(self._known.get(identity), digest), encoded))
        if pending.expected:
            stale = self._stale(pending.expected, decided)
            if stale:
                return Conflict(stale, len(pending.events))
        earlier = {decision.unchanged_since for _, _, decision, _ in decided}
        replay_of = earlier.pop() if len(earlier) == 1 and None not in earlier else None
        submission_id = replay_of or pending.submission_id
        to_publish: list[Encoded] = []
        receipts: list[Receipt] = []
        for identity, digest, decision, encoded in decided:
            event = encoded.event
            if decision.version != event.version:
                encoded = encode(with_version(event, decision.version))
            event_id = encoded.event.event_id
            if decision.publish:
                to_publish.append(encoded)
                known = Known(decision.version, digest, submission_id, published=False)
                self._known[identity] = known
                self._dirty[identity] = (known, event_id)
            fields = event.__dict__  # not getattr: a missing attribute costs pydantic 3 us
            receipts.append(
                Receipt(
                    type(event).__name__,
                    event_id,
                    decision.version,
                    topic_for(event).name,
                    None if decision.publish else decision.unchanged_since,
                    fields.get("market_id"),
                    fields.get("period"),
                )
            )
        return Reservation(submission_id, replay_of is not None, to_publish, receipts)

    def _stale(self, expected: Sequence[int | None], decided: list[Any]) -> list[Stale]:
        """Events whose stated version is not the current one; content identical to the
        current version is never stale (a retry of the correction that made it)."""
        stale = []
        for index, (stated, (identity, _, decision, _)) in enumerate(
            zip(expected, decided, strict=False)
        ):
            if stated is None or decision.unchanged_since is not None:
                continue
            known = self._known.get(identity)
            current = known.version if known is not None else 0
            if current != stated:
                stale.append(Stale(index, stated, current))
        return stale

    def writes(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Rows to insert and rows to update (by primary key) in the versions table."""
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for identity, (known, event_id) in self._dirty.items():
            row = {
                "identity": identity,
                "version": known.version,
                "content_hash": known.content_hash,
                "event_id": event_id,
                "submission_id": known.submission_id,
            }
            (updates if identity in self._in_db else inserts).append(row)
        return inserts, updates

    @staticmethod
    def submission_rows(
        batch: Sequence[Pending], reservations: Sequence[Reservation | Conflict]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """New submissions to insert, and earlier ones that are replayed.

        Pendings that share a submission id (a raw batch) are recorded as one submission,
        with all their receipts."""
        new: dict[str, dict[str, Any]] = {}
        replayed: list[str] = []
        for pending, reservation in zip(batch, reservations, strict=True):
            if isinstance(reservation, Conflict):
                continue
            if reservation.replayed:
                replayed.append(reservation.submission_id)
                continue
            row = new.get(pending.submission_id)
            if row is None:
                row = new[pending.submission_id] = {
                    "id": pending.submission_id,
                    "source": pending.source,
                    "kind": pending.kind,
                    "principal": pending.principal,
                    "principal_id": pending.principal_id,
                    "status": "published",
                    "received_at": pending.received_at,
                    "published_at": pending.received_at,
                    "receipts": [],
                }
            if reservation.to_publish:
                row["status"], row["published_at"] = "pending", None
            row["receipts"].extend(reservation.receipts)
        return list(new.values()), list(dict.fromkeys(replayed))
