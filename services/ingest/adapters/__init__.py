"""Ingest's I/O: the database and its migrations, Kafka, the tokens file, the clauses API,
metrics, the clock."""
