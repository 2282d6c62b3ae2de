"""Telling open pages about notifications once they are committed, and what was left unpublished."""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from uuid import UUID

import structlog

from application.unit_of_work import UnitOfWork
from domain.notifications.notification import Notification
from domain.notifications.ports import NotificationPublisher

log = structlog.get_logger(__name__)

UNPUBLISHED_GRACE = timedelta(seconds=30)
"""A notification still unpublished this long after its commit was left behind (its worker died, or Redis
failed): the sweeper publishes it. Far longer than a publish right after a commit takes."""
UNPUBLISHED_PER_BATCH = 20
"""Commits whose notifications one sweep transaction publishes (a commit may hold hundreds)."""


async def publish_created(
    publisher: NotificationPublisher,
    notifications: Sequence[Notification],
    unread_counts: Mapping[UUID, int],
    *,
    uow: UnitOfWork,
) -> None:
    """Publish the committed notifications in one go (by reader, in `seq` order), then mark them published.

    A failure is logged, not raised: the notifications are stored and still marked unpublished, so the
    sweeper (`publish_unpublished`) sends them; a page that reconnects meanwhile replays them anyway.
    """
    if not notifications:
        return
    ordered = sorted(notifications, key=lambda n: (n.user_id, n.seq))
    try:
        await publisher.notifications_created([(n, unread_counts[n.user_id]) for n in ordered])
    except Exception:
        log.warning("notification.publish_failed", notifications=len(ordered), exc_info=True)
        return
    try:
        async with uow:
            await uow.notifications.mark_published([n.id for n in ordered])
            await uow.commit()
    except Exception:
        # Published but still marked: the sweeper sends them again, and open streams skip a seq they had.
        log.warning("notification.mark_published_failed", notifications=len(ordered), exc_info=True)


async def publish_unpublished(
    *,
    uow: UnitOfWork,
    publisher: NotificationPublisher,
    grace: timedelta = UNPUBLISHED_GRACE,
    batch_size: int = UNPUBLISHED_PER_BATCH,
) -> int:
    """Publish the notifications committed `grace` ago or longer (by the database's clock: the same for
    every process) and never marked published; answers how many.

    Each batch is claimed (other sweepers skip it), published with its readers' unread counts as they
    are now, and marked published in one transaction: at least once, so an open stream may be sent a
    `seq` again, which it skips. Stops at the first publish that fails (Redis still down): next run.
    """
    published = 0
    while True:
        async with uow:
            pending = await uow.notifications.claim_unpublished(grace, batch_size)
            if not pending:
                await uow.commit()  # the claim drops marks whose notifications are gone
                break
            counts = await uow.notifications.unread_counts({n.user_id for n in pending})
            ordered = sorted(pending, key=lambda n: (n.user_id, n.seq))
            try:
                await publisher.notifications_created([(n, counts[n.user_id]) for n in ordered])
            except Exception:
                log.warning("notification.republish_failed", notifications=len(ordered), exc_info=True)
                break
            await uow.notifications.mark_published([n.id for n in ordered])
            await uow.commit()
        published += len(pending)
        log.info("notification.republished", notifications=len(pending))
    return published
