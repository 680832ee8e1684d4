"""`python -m services.clauses.adapters.migrations [upgrade | current | revision NNNN <message>]`:
the clauses service's migrations by hand, on the database of its settings (the service also
runs `upgrade` at start)."""

import sys

from services.clauses.adapters.migrations import SCRIPTS, VERSION_TABLE
from services.clauses.settings import ClausesSettings
from shared.migrations import main

if __name__ == "__main__":
    settings = ClausesSettings()
    print(
        main(
            sys.argv[1:],
            script_location=SCRIPTS,
            version_table=VERSION_TABLE,
            database_url=settings.database_url,
        )
    )
