"""Scheduling use cases: one module per verb, each running in one unit of work."""
