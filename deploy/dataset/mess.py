"""Real life's mess (deterministic): the dataset as the stream of submissions ingest receives.

A market arrives on its notification day, a contract within three days of its start, a
month's hours and invoices in the weeks after the month. Then, as in real life:
- late reports: some months arrive two to eight months late;
- resubmissions: a first version of some hours reports, invoices, contracts (end date) and
  markets (amount typo) is replaced by a corrected one weeks later; the LATEST submission of
  an identity is the fact (ingest gives changed content the next version);
- exact duplicates: the very same submission sent twice;
- hours before their contract: some contracts are declared weeks after their first hours;
  the reports that arrive before the contract are refused (`unknown_contract`) and sent
  again, unchanged, once the contract is known;
- invalid rows ingest must refuse, each followed by its corrected form: negative hours,
  above 208 hours in a month, the period 2023-13, a SIRET of 13 digits, an unknown contract
  type.
Replaying the accepted submissions, the latest one of each identity winning, gives back the
dataset exactly (`replay`).
"""

from deploy.dataset import spoil, spoil_facts
from deploy.dataset.model import Dataset, Expected, Submission
from deploy.dataset.parse import from_wire
from deploy.dataset.schedule import Schedule
from deploy.dataset.wire import assemble, identity


def arrange(dataset: Dataset) -> tuple[Submission, ...]:
    """The submissions of the dataset in arrival order, with the mess of real life."""
    mess = Schedule(dataset)
    for spoiler in (
        spoil.declared_late,
        spoil.late_reports,
        spoil.corrected_reports,
        spoil.invalid_reports,
        spoil.duplicated_reports,
        spoil_facts.contract_mess,
        spoil_facts.invoice_mess,
        spoil_facts.market_mess,
    ):
        spoiler(mess)
    mess.everything()
    ordered = sorted(enumerate(mess.items), key=lambda pair: (pair[1].at, pair[0]))
    return tuple(
        Submission(seq, item.at, item.kind, item.payload, item.expected, item.reason, item.tags)
        for seq, (_, item) in enumerate(ordered)
    )


def replay(submissions: tuple[Submission, ...], seed: int) -> Dataset:
    """The facts the submissions leave: refused ones dropped, the latest of each identity wins."""
    latest: dict[tuple[str, ...], Submission] = {}
    for submission in sorted(submissions, key=lambda s: s.seq):
        if submission.expected is Expected.ACCEPTED:
            latest[identity(submission.kind, submission.payload)] = submission
    return assemble(seed, [from_wire(s.kind, s.payload) for s in latest.values()])
