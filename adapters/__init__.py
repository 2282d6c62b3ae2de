"""planner adapters."""
