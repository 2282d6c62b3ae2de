"""A mirrored Google event's guests and their answers are kept for display, and follow Google's changes."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.google_sync.mirrored_guests import mirrored_guests
from domain.google_sync.model import AttendeeResponse, RemoteAttendee, RemoteEvent
from tests.integration.scheduling.office import PostgresOffice
from tests.integration.scheduling.test_google_mirrors import apply, mirrored
from tests.unit.scheduling.factories import MONDAY

ADA = RemoteAttendee(email="ada@example.com", name="Ada", response=AttendeeResponse.ACCEPTED, organizer=True)
BOB = RemoteAttendee(email="bob@example.com", response=AttendeeResponse.NEEDS_ACTION)


@pytest.fixture
def google_uow(sessions: async_sessionmaker[AsyncSession]) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(sessions, cipher=TokenCipher(Fernet.generate_key().decode()))


def meeting(*guests: RemoteAttendee) -> RemoteEvent:
    return RemoteEvent(
        id="meeting",
        cancelled=False,
        title="Review",
        starts_at=MONDAY + timedelta(hours=9),
        ends_at=MONDAY + timedelta(hours=10),
        attendees=guests,
    )


async def test_guests_are_kept_with_their_answers_and_follow_google(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada = await office.person()
    mirror = await mirrored(google_uow, ada)
    page = await apply(google_uow, mirror, meeting(ADA, BOB))
    event_id = page.added["meeting"].id

    assert await mirrored_guests(event_id, uow=google_uow) == (ADA, BOB)

    bob_accepted = RemoteAttendee(email="bob@example.com", response=AttendeeResponse.ACCEPTED)
    await apply(google_uow, mirror, meeting(ADA, bob_accepted))
    assert await mirrored_guests(event_id, uow=google_uow) == (ADA, bob_accepted)
