"""The clauses service."""
