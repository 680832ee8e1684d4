"""The clauses service's I/O: database (and its migrations), Kafka, Prometheus."""
