"""The indicators' pure domain: state fold, formulas, suppression, targets (no I/O, no clock)."""
