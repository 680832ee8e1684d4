"""The generator: seed -> Dataset (pure, deterministic), each year's sums exact by construction.

`generate` draws everything from one `random.Random(seed)`: `hours_markets` (which markets
have hours in which year), `workforce` with `engage`, `families`, `people` and `hours`
(employers, contracts, people, months and hours of a year), `commitments` (durations,
clauses, invoices), `notices` (the other markets, exact notice figures); `companies`,
`catalog`, `drafts` and `apportion` are what they draw with.
"""
