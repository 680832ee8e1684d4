"""The clauses ledger's pure domain: a fold of events into exact aggregates.

Only the latest version of each identity counts (`shared.events` `IDENTITY`): a higher
version replaces the kept one whole (a resubmitted month replaces the month, it never
adds to it); an equal version is a duplicate and a lower one is stale, both ignored.
The aggregates are a function of the set of latest versions alone, so any arrival order,
duplication or interleaving of corrections gives the same result.

Counting rules (per calendar year Y of the reported month):

- A line is *resolved* when its work contract and its market are known. Hours whose
  contract or market has not arrived yet are kept, in no cell and no count, and are
  counted as soon as it arrives; they are never dropped.
- Hours cells sum insertion and training hours by month, market, category, reserved
  market or not, and the contract's gender, type, eligible public and modality, and the
  reporting employer.
- A work contract counts in Y when one of its resolved lines in a month of Y has insertion
  or training hours. A beneficiary (a person, by pseudonym) counts in Y when one of their
  contracts counts: people are not contracts (278 people signed 300 contracts in 2023).
  Both are broken down by `all`, `gender`, `contract_type` (plus the `alternance` roll-up
  = apprenticeship + professionalisation), `eligible_public` and `modality`; a person
  counts once in each value one of their counted contracts has.
- A market counts in Y when it has hours in Y (`markets_with_hours`), by `all`,
  `category` and `reserved_market`.
- An employer counts in Y when it has hours in Y; by `is_sme`, `true` when it is a holder
  flagged `is_sme` of one of the markets it has hours on in Y, `false` for all the others
  (not an SME, or not known to be one).
- A cell or count that becomes empty is published with zeros; absent means zero.

Clause arithmetic: see `services.clauses.domain.clause`.
"""

from services.clauses.domain.clause import last_closed_month
from services.clauses.domain.ledger import Outcome
from services.clauses.domain.projector import Projector, fold
from services.clauses.domain.published_aggregates import Aggregate, Change

__all__ = ["Aggregate", "Change", "Outcome", "Projector", "fold", "last_closed_month"]
