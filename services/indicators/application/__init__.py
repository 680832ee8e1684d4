"""The indicators' use cases: keep the indicators current from the log, publish snapshots."""
