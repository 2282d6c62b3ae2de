"""An office whose unit of work also keeps notifications and reminders, and a publisher that records."""

from application.handlers import REACTIONS, ReactionPorts
from application.notifications.dto import SendDueReminders
from application.notifications.send_due_reminders import RemindersSent, send_due_reminders
from domain.notifications.notification import Notification
from tests.fakes.notifications import RecordingPublisher
from tests.unit.scheduling.office import Office


class DeliveryOffice(Office):
    """A planner in memory whose committed domain events a worker can act on, as the outbox tasks do."""

    def __init__(self) -> None:
        super().__init__()
        self.publisher = RecordingPublisher()
        self._acted_on = 0

    async def work(self) -> list[Notification]:
        """Run the reactions (application/handlers.py) to the domain events committed since the last call, as the
        worker does; answers the notifications stored meanwhile."""
        pending = self.database.committed_events[self._acted_on :]
        self._acted_on = len(self.database.committed_events)
        known = set(self.database.delivery.notifications)
        ports = ReactionPorts(unit_of_work=lambda: self.uow, publisher=self.publisher)
        for event in pending:
            for reaction in REACTIONS.get(type(event), ()):
                await reaction(event, ports)
        return [n for key, n in self.database.delivery.notifications.items() if key not in known]

    async def send_reminders(self) -> RemindersSent:
        """Run the minute-by-minute reminder sender once, at the clock's time."""
        return await send_due_reminders(SendDueReminders(), uow=self.uow, publisher=self.publisher, clock=self.clock)
