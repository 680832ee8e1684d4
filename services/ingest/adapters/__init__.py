"""Ingest's adapters: the database, Kafka, metrics and HTTP clients."""
