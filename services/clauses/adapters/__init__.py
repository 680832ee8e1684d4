"""The clauses service's adapters: the database, Kafka, metrics."""
