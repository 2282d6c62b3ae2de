"""Rules for free text that people type: trimmed where it is a label, bounded in length always."""

from domain.errors import InvalidInput


def label(value: str, *, field: str, max_length: int) -> str:
    """Return a trimmed, non-empty label of at most `max_length` characters (a title, a name)."""
    trimmed = value.strip()
    if not trimmed:
        raise InvalidInput(field, f"{field} must not be empty")
    if len(trimmed) > max_length:
        raise InvalidInput(field, f"{field} must be at most {max_length} characters")
    return trimmed


def bounded_text(value: str, *, field: str, max_length: int) -> str:
    """Return `value` unchanged if it is at most `max_length` characters (a description, a location)."""
    if len(value) > max_length:
        raise InvalidInput(field, f"{field} must be at most {max_length} characters")
    return value
