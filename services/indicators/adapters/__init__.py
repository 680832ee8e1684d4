"""The indicators' I/O: Kafka replay and snapshot publishing, Prometheus, the targets file."""
