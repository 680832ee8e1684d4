"""Deployment helpers that are Python code: the reference dataset and its loader, `make up`."""
