"""planner domain."""
