"""Embedded PostgreSQL and Redis for a one-command start on a fresh machine."""
