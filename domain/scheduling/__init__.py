"""Scheduling: people, calendars, rooms, events and the people invited to them."""
