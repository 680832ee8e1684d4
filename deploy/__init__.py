"""Deployment helpers that are Python code: the reference dataset generator."""
