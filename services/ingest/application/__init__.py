"""Ingest's use cases, orchestrating the domain through the ports."""
