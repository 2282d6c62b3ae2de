"""planner entrypoints."""
