"""Notifications: telling people what happened, reminders, and what they read of it."""
