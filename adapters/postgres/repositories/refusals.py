"""Reading why PostgreSQL refused a write, so repositories can answer with the domain's error."""

from sqlalchemy.exc import IntegrityError


def violated_constraint(error: IntegrityError) -> str | None:
    """Return the name of the constraint PostgreSQL refused the statement for, if it named one."""
    # SQLAlchemy's asyncpg adapter raises its own error `from` asyncpg's, which carries the name.
    cause = None if error.orig is None else error.orig.__cause__
    name = getattr(cause, "constraint_name", None)
    return name if isinstance(name, str) else None
