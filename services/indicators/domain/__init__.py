"""The indicators' pure domain: records decoded, state fold, formulas, suppression, targets
and the written assessment (no I/O, no clock)."""
