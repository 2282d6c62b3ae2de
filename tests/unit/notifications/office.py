"""An office whose unit of work also keeps notifications and reminders, and a publisher that records."""

from application.notifications.notify_about import notify_about
from application.notifications.schedule_reminders import schedule_reminders
from application.notifications.send_due_reminders import RemindersSent, send_due_reminders
from domain.notifications.notification import Notification
from domain.notifications.reminders import event_with_changed_reminders
from tests.fakes.notifications import RecordingPublisher
from tests.unit.scheduling.office import Office


class DeliveryOffice(Office):
    """A planner in memory whose committed domain events a worker can act on, as the outbox tasks do."""

    def __init__(self) -> None:
        super().__init__()
        self.publisher = RecordingPublisher()
        self._acted_on = 0

    async def work(self) -> list[Notification]:
        """Act on the domain events committed since the last call, as the worker does; answers the new notifications."""
        pending = self.database.committed_events[self._acted_on :]
        self._acted_on = len(self.database.committed_events)
        told = []
        for event in pending:
            told += await notify_about(event, uow=self.uow, publisher=self.publisher)
            event_id = event_with_changed_reminders(event)
            if event_id is not None:
                await schedule_reminders(event_id, as_of=event.occurred_at, uow=self.uow)
        return told

    async def send_reminders(self) -> RemindersSent:
        """Run the minute-by-minute reminder sender once, at the clock's time."""
        return await send_due_reminders(uow=self.uow, publisher=self.publisher, clock=self.clock)
