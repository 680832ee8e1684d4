"""`python -m services.ingest.adapters.migrations [upgrade | current | revision NNNN <message>]`:
ingest's migrations by hand, on the database of ingest's settings (the service also runs
`upgrade` at start)."""

import sys

from services.ingest.adapters.migrations import SCRIPTS, VERSION_TABLE
from services.ingest.adapters.tokens import load_tokens
from services.ingest.settings import IngestSettings
from shared.migrations import main

if __name__ == "__main__":
    settings = IngestSettings()
    tokens = load_tokens(settings.tokens_file, settings.tokens)
    print(
        main(
            sys.argv[1:],
            script_location=SCRIPTS,
            version_table=VERSION_TABLE,
            database_url=settings.database_url,
            attributes={"principal_ids": tokens.ids_by_name()},
        )
    )
