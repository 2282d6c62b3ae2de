"""Use cases of finding a time: working hours, out of office, free/busy, suggestions."""
