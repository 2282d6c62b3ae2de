"""planner application."""
