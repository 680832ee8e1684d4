"""The clauses service's I/O: database, Kafka, Prometheus."""
