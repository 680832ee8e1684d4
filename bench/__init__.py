"""Benchmarks: scripts that print figures and the ratio to a baseline measured in the same run."""
