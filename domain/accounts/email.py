"""Email addresses identify people: compared case-insensitively, so stored lower-cased."""

from domain.errors import InvalidInput

MAX_EMAIL_LENGTH = 254


def normalize_email(value: str, *, field: str = "email") -> str:
    """Return the address trimmed and lower-cased, or refuse one that cannot be an address."""
    email = value.strip().lower()
    local, at, domain = email.rpartition("@")
    well_formed = (
        at == "@"
        and local
        and "." in domain
        and not domain.startswith(".")
        and not domain.endswith(".")
        and len(email.split()) == 1  # no whitespace inside (split() cuts at exactly what isspace() calls space)
    )
    if not well_formed:
        raise InvalidInput(field, f"{field} must be an email address")
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInput(field, f"{field} must be at most {MAX_EMAIL_LENGTH} characters")
    return email
