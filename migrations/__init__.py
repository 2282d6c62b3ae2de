"""Alembic migrations of planner's PostgreSQL schema."""
