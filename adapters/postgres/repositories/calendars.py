"""Calendars and their members on PostgreSQL."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Select, any_, bindparam, case, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement
from adapters.postgres.models import CalendarMemberRow, CalendarRow, UserRow
from adapters.postgres.repositories.arrays import ids_parameter, is_any_id
from application.unit_of_work import SeenAggregates
from domain.scheduling.calendar import Calendar, CalendarMember, CalendarRole

_CALENDARS = select(CalendarRow.__table__)
_MEMBERS = (
    select(
        CalendarMemberRow.calendar_id, CalendarMemberRow.user_id, CalendarMemberRow.role, UserRow.email, UserRow.name
    )
    .join(UserRow, UserRow.id == CalendarMemberRow.user_id)
    .order_by(
        CalendarMemberRow.calendar_id,
        case({"owner": 0, "editor": 1}, value=CalendarMemberRow.role, else_=2),
        UserRow.name,
        UserRow.id,
    )
)


# One calendar with its members in one statement (a row per member), for the single-calendar reads.
_ONE_CALENDAR = (
    select(
        CalendarRow.__table__,
        CalendarMemberRow.user_id.label("member_id"),
        CalendarMemberRow.role.label("member_role"),
        UserRow.email.label("member_email"),
        UserRow.name.label("member_name"),
    )
    .outerjoin(CalendarMemberRow, CalendarMemberRow.calendar_id == CalendarRow.id)
    .outerjoin(UserRow, UserRow.id == CalendarMemberRow.user_id)
    .order_by(case({"owner": 0, "editor": 1}, value=CalendarMemberRow.role, else_=2), UserRow.name, UserRow.id)
)
# Every event creation reads its calendar: run on the driver.
_CALENDAR_BY_ID = DriverStatement(_ONE_CALENDAR.where(CalendarRow.__table__.c.id == bindparam("calendar_id")))
_PERSONAL_CALENDAR = DriverStatement(
    _ONE_CALENDAR.where(CalendarRow.__table__.c.owner_id == bindparam("user_id"), CalendarRow.__table__.c.is_personal)
)
# Built once, executed with values: SQLAlchemy then neither rebuilds them nor recomputes their cache keys.
_MEMBERS_OF = _MEMBERS.where(CalendarMemberRow.calendar_id == any_(ids_parameter("calendar_ids")))


class SqlCalendarRepository:
    """Calendars with their members (whose email and name come from `users`)."""

    def __init__(self, session: AsyncSession, seen: SeenAggregates) -> None:
        self._session, self._seen = session, seen
        self.members_read: dict[UUID, frozenset[UUID]] = {}
        """The member ids of every calendar read in this transaction, by calendar id."""

    async def get(self, calendar_id: UUID) -> Calendar | None:
        """Return the calendar with its members."""
        return await self._load_one(_CALENDAR_BY_ID, {"calendar_id": calendar_id})

    async def personal_calendar_of(self, user_id: UUID) -> Calendar | None:
        """Return the personal calendar the user got on registration."""
        return await self._load_one(_PERSONAL_CALENDAR, {"user_id": user_id})

    async def list_for_member(self, user_id: UUID) -> list[Calendar]:
        """Return the calendars the user is a member of: the personal one first, then by name."""
        return await self._load(
            _CALENDARS.join(CalendarMemberRow, CalendarMemberRow.calendar_id == CalendarRow.id)
            .where(CalendarMemberRow.user_id == user_id)
            .order_by(CalendarRow.is_personal.desc(), CalendarRow.name, CalendarRow.id)
        )

    async def add(self, calendar: Calendar) -> None:
        """Store a new calendar and its members."""
        await self._session.execute(insert(CalendarRow).values(id=calendar.id, **_fields(calendar)))
        await self._session.execute(insert(CalendarMemberRow), _member_rows(calendar))
        self._seen.remember(calendar)

    async def save(self, calendar: Calendar) -> None:
        """Store the changes made to a calendar: its fields and its whole member list."""
        await self._session.execute(
            update(CalendarRow)
            .where(CalendarRow.id == calendar.id)
            .values(**_fields(calendar))
            .execution_options(synchronize_session=False)
        )
        await self._session.execute(
            delete(CalendarMemberRow)
            .where(
                CalendarMemberRow.calendar_id == calendar.id, ~is_any_id(CalendarMemberRow.user_id, calendar.members)
            )
            .execution_options(synchronize_session=False)
        )
        members = upsert(CalendarMemberRow)
        await self._session.execute(
            members.on_conflict_do_update(
                index_elements=[CalendarMemberRow.calendar_id, CalendarMemberRow.user_id],
                set_={"role": members.excluded.role},
                # Leaving unchanged rows alone spares PostgreSQL a dead tuple per member on every save.
                where=CalendarMemberRow.role != members.excluded.role,
            ),
            _member_rows(calendar),
        )
        self._seen.remember(calendar)

    async def remove(self, calendar: Calendar) -> None:
        """Delete the calendar; its members and events go with it (ON DELETE CASCADE)."""
        await self._session.execute(
            delete(CalendarRow).where(CalendarRow.id == calendar.id).execution_options(synchronize_session=False)
        )
        self._seen.remember(calendar)

    async def _load_one(self, statement: DriverStatement, parameters: dict[str, Any]) -> Calendar | None:
        rows = await statement.fetch(self._session, parameters)
        if not rows:
            return None
        members = {
            row.member_id: CalendarMember(
                user_id=row.member_id, email=row.member_email, name=row.member_name, role=CalendarRole(row.member_role)
            )
            for row in rows
            if row.member_id is not None
        }
        self.members_read[rows[0].id] = frozenset(members)
        return _calendar(rows[0], members)

    async def _load(self, statement: Select[Any], parameters: dict[str, Any] | None = None) -> list[Calendar]:
        rows = (await self._session.execute(statement, parameters)).all()
        if not rows:
            return []
        members: dict[UUID, dict[UUID, CalendarMember]] = {row.id: {} for row in rows}
        for member in await self._session.execute(_MEMBERS_OF, {"calendar_ids": list(members)}):
            members[member.calendar_id][member.user_id] = CalendarMember(
                user_id=member.user_id, email=member.email, name=member.name, role=CalendarRole(member.role)
            )
        self.members_read.update((calendar_id, frozenset(found)) for calendar_id, found in members.items())
        return [_calendar(row, members[row.id]) for row in rows]


def _fields(calendar: Calendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "color": calendar.color,
        "description": calendar.description,
        "owner_id": calendar.owner_id,
        "is_personal": calendar.is_personal,
        "read_only": calendar.read_only,
        "created_at": calendar.created_at,
    }


def _member_rows(calendar: Calendar) -> Sequence[dict[str, Any]]:
    return [
        {"calendar_id": calendar.id, "user_id": member.user_id, "role": member.role.value}
        for member in calendar.members.values()
    ]


def _calendar(row: Any, members: dict[UUID, CalendarMember]) -> Calendar:
    return Calendar(
        id=row.id,
        name=row.name,
        color=row.color,
        description=row.description,
        owner_id=row.owner_id,
        is_personal=row.is_personal,
        read_only=row.read_only,
        members=members,
        created_at=row.created_at,
    )
