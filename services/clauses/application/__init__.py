"""The clauses service's use cases and the ports they need (`ports.py`)."""
