"""Pure rules and values of ingest: no framework, no I/O, no clock."""
