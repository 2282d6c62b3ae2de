"""What a person reads of their notifications: a page of them, the unread count, where their stream stands."""

from dataclasses import dataclass
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.notifications.notification import Notification

MAX_PAGE = 100


@dataclass(frozen=True)
class NotificationPage:
    """Newest first; `next_cursor` continues the list, None at its end."""

    items: list[Notification]
    next_cursor: int | None


async def list_notifications(
    *, actor_id: UUID, uow: UnitOfWork, cursor: int | None = None, unread_only: bool = False, limit: int = 50
) -> NotificationPage:
    """One page of my notifications, newest first."""
    limit = max(1, min(limit, MAX_PAGE))
    async with uow:
        items = await uow.notifications.list_page(actor_id, before_seq=cursor, unread_only=unread_only, limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return NotificationPage(items=items, next_cursor=items[-1].seq if more and items else None)


async def count_unread(*, actor_id: UUID, uow: UnitOfWork) -> int:
    """How many of my notifications I have not read."""
    async with uow:
        return await uow.notifications.unread_count(actor_id)


async def stream_position(*, actor_id: UUID, uow: UnitOfWork) -> tuple[int, int]:
    """Where my notification stream stands: the newest `seq` and the unread count."""
    async with uow:
        return await uow.notifications.latest_seq(actor_id), await uow.notifications.unread_count(actor_id)


async def missed_notifications(*, actor_id: UUID, after_seq: int, limit: int, uow: UnitOfWork) -> list[Notification]:
    """Mine with `seq` above `after_seq`, oldest first: what a reconnecting stream missed."""
    async with uow:
        return await uow.notifications.list_after(actor_id, after_seq, max(1, limit))
