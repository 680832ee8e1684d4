"""The indicators' entry points: HTTP routes, Kafka handlers and the command line."""
