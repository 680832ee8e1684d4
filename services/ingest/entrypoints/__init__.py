"""Ingest's entry points: HTTP routes, Kafka handlers, web pages (thin)."""
