"""Ingest's I/O: the database, Kafka, the tokens file, the clauses API, metrics, the clock."""
