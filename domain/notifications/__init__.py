"""Notifications: what people are told, in order, exactly once."""
