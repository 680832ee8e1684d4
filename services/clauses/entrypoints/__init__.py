"""The clauses service's entry points: HTTP routes and Kafka handlers."""
