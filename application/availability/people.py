"""People named by email, as find a time sees them: their account and working week, or unknown.

Who counts as unknown follows the enumeration rule of docs/security.md: a signed-in caller may learn
no more about an address than an invitation would tell them. Every registered person of this
planner is a colleague (sign-up is by invitation or by domain in production), so an address
answers with its free/busy when it has an account here, and as "unknown" otherwise; the answer for an
unknown address is the same whatever the reason, and never says more than that.
"""

from collections.abc import Iterable, Sequence
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.availability.working_hours import Colleague

__all__ = ["Colleague", "colleagues", "distinct_emails"]


def distinct_emails(emails: Iterable[str], *, field: str) -> list[str]:
    """The addresses normalized (a malformed one is refused, naming `field`), each once, in order."""
    return list(dict.fromkeys(normalize_email(email, field=field) for email in emails))


async def colleagues(
    uow: UnitOfWork, emails: Sequence[str], *, also: Sequence[UUID] = ()
) -> tuple[dict[str, Colleague], dict[UUID, Colleague]]:
    """The people of `emails` who have an account, by email; and everyone found, by id (`also` included)."""
    found = {c.user_id: c for c in await uow.availability.colleagues(emails=emails, ids=also)}
    by_email = {colleague.email: colleague for colleague in found.values()}
    return {email: by_email[email] for email in emails if email in by_email}, found
