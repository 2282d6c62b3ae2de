"""A process remembers a session check for a short while only, and forgets it when it ends the session itself."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from domain.accounts.ports import SessionHolder
from entrypoints.http.sessions import CheckedSessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class InMemorySessions:
    def __init__(self) -> None:
        self.live: dict[UUID, SessionHolder] = {}
        self.reads = 0

    async def start(self, user_id: UUID, *, now: datetime, expires_at: datetime) -> UUID:
        session_id = uuid4()
        self.live[session_id] = SessionHolder(user_id=user_id, is_admin=False)
        return session_id

    async def holder(self, session_id: UUID, user_id: UUID, *, now: datetime) -> SessionHolder | None:
        self.reads += 1
        holder = self.live.get(session_id)
        return holder if holder is not None and holder.user_id == user_id else None

    async def extend(self, session_id: UUID, *, expires_at: datetime) -> None:
        return None

    async def end(self, session_id: UUID) -> None:
        self.live.pop(session_id, None)

    async def end_all(self, user_id: UUID) -> None:
        self.live = {k: v for k, v in self.live.items() if v.user_id != user_id}


async def _opened(store: InMemorySessions, user_id: UUID) -> UUID:
    return await store.start(user_id, now=datetime.now(), expires_at=datetime.now())


async def test_an_ended_session_is_refused_once_the_remembered_check_is_older_than_its_ttl() -> None:
    store, clock, user = InMemorySessions(), Clock(), uuid4()
    checked = CheckedSessions(store, ttl_seconds=30, monotonic=clock)
    session = await _opened(store, user)
    assert await checked.holder(session, user) is not None
    await store.end_all(user)  # in another process

    clock.now += 29.9
    assert await checked.holder(session, user) is not None  # remembered, at most 30 s
    clock.now += 0.2
    assert await checked.holder(session, user) is None


async def test_a_ttl_of_zero_checks_the_database_every_time() -> None:
    store, user = InMemorySessions(), uuid4()
    checked = CheckedSessions(store, ttl_seconds=0, monotonic=Clock())
    session = await _opened(store, user)
    for _ in range(3):
        assert await checked.holder(session, user) is not None
    assert store.reads == 3


async def test_a_remembered_session_is_no_one_elses() -> None:
    store, clock, user = InMemorySessions(), Clock(), uuid4()
    checked = CheckedSessions(store, ttl_seconds=30, monotonic=clock)
    session = await _opened(store, user)
    assert await checked.holder(session, user) is not None
    assert await checked.holder(session, uuid4()) is None


async def test_forgetting_a_user_drops_every_remembered_session_of_theirs() -> None:
    store, clock, user = InMemorySessions(), Clock(), uuid4()
    checked = CheckedSessions(store, ttl_seconds=30, monotonic=clock)
    sessions = [await _opened(store, user) for _ in range(2)]
    for session in sessions:
        assert await checked.holder(session, user) is not None
    await store.end_all(user)
    checked.forget_user(user)
    for session in sessions:
        assert await checked.holder(session, user) is None


async def test_an_administrators_session_is_checked_on_every_request() -> None:
    store, user = InMemorySessions(), uuid4()
    checked = CheckedSessions(store, ttl_seconds=30, monotonic=Clock())
    session = await _opened(store, user)
    store.live[session] = SessionHolder(user_id=user, is_admin=True)
    assert await checked.holder(session, user) == SessionHolder(user_id=user, is_admin=True)
    store.live[session] = SessionHolder(user_id=user, is_admin=False)  # demoted by another process
    assert await checked.holder(session, user) == SessionHolder(user_id=user, is_admin=False)
