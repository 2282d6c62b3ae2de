import pytest

from application.accounts.dto import PromoteUser, RegisterUser, SignIn
from application.accounts.get_user import get_user
from application.accounts.promote_user import promote_user
from application.accounts.register_user import register_user
from application.accounts.sign_in import sign_in
from application.scheduling.list_calendars import list_calendars
from domain.errors import EmailAlreadyRegistered, InvalidCredentials, InvalidInput, NotFound, PermissionDenied
from tests.unit.scheduling.office import PASSWORD, Office


async def test_first_registered_user_is_an_admin_and_the_next_ones_are_not(office: Office) -> None:
    first, second = await office.person(), await office.person()
    assert (first.is_admin, second.is_admin) == (True, False)


async def test_registration_creates_a_personal_calendar_owned_by_the_new_user(office: Office) -> None:
    ada = await office.person(name="Ada")
    [personal] = await list_calendars(actor_id=ada.id, uow=office.uow)
    assert (personal.name, personal.is_personal, personal.owner_id) == ("Ada", True, ada.id)
    assert [e.name for e in office.database.committed_events] == ["user_registered", "calendar_created"]


async def test_registration_stores_a_hash_not_the_password(office: Office) -> None:
    ada = await office.person()
    stored = await get_user(ada.id, uow=office.uow)
    assert stored.password_hash != PASSWORD
    assert await office.hasher.verify(stored.password_hash, PASSWORD)


async def test_same_email_in_another_case_cannot_register_twice(office: Office) -> None:
    await office.person(email="ada@example.com")
    with pytest.raises(EmailAlreadyRegistered):
        await office.person(email="ADA@example.com ")
    assert len(office.database.tables.users) == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("email", {"email": "not-an-email"}),
        ("name", {"name": " "}),
        ("timezone", {"timezone": "Atlantis/Capital"}),
        ("password", {"password": "short"}),
    ],
)
async def test_bad_sign_up_is_refused_before_hashing_and_stores_nothing(
    office: Office, field: str, overrides: dict[str, str]
) -> None:
    fields = {"email": "ada@example.com", "password": "long enough password", "name": "Ada"} | overrides
    with pytest.raises(InvalidInput) as refused:
        await register_user(RegisterUser(**fields), uow=office.uow, hasher=office.hasher, clock=office.clock)
    assert refused.value.field == field
    assert office.hasher.hashed == 0
    assert office.database.tables.users == {}


async def test_sign_in_with_the_right_password_returns_the_user(office: Office) -> None:
    ada = await office.person(email="ada@example.com")
    signed_in = await sign_in(SignIn(email=" Ada@Example.com", password=PASSWORD), uow=office.uow, hasher=office.hasher)
    assert signed_in.id == ada.id


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.com", "wrong password"), ("bob@example.com", PASSWORD), ("not an email", PASSWORD)],
)
async def test_wrong_email_or_password_gives_the_same_refusal(office: Office, email: str, password: str) -> None:
    await office.person(email="ada@example.com")
    with pytest.raises(InvalidCredentials):
        await sign_in(SignIn(email=email, password=password), uow=office.uow, hasher=office.hasher)


async def test_admin_promotes_a_colleague(office: Office) -> None:
    admin = await office.admin()
    bob = await office.person(email="bob@example.com")
    promoted = await promote_user(
        PromoteUser(email="bob@example.com", actor_id=admin.id), uow=office.uow, clock=office.clock
    )
    assert promoted.is_admin
    assert (await get_user(bob.id, uow=office.uow)).is_admin
    [event] = office.events_named("user_promoted")
    assert event.affected_user_ids == (bob.id,)


async def test_operator_promotes_from_the_command_line_without_an_actor(office: Office) -> None:
    await office.admin()
    bob = await office.person(email="bob@example.com")
    await promote_user(PromoteUser(email="bob@example.com"), uow=office.uow, clock=office.clock)
    assert (await get_user(bob.id, uow=office.uow)).is_admin


async def test_non_admin_cannot_promote(office: Office) -> None:
    await office.admin()
    bob = await office.person(email="bob@example.com")
    with pytest.raises(PermissionDenied):
        await promote_user(PromoteUser(email="bob@example.com", actor_id=bob.id), uow=office.uow, clock=office.clock)
    assert not (await get_user(bob.id, uow=office.uow)).is_admin


async def test_promoting_an_unknown_email_is_not_found(office: Office) -> None:
    admin = await office.admin()
    with pytest.raises(NotFound):
        await promote_user(
            PromoteUser(email="nobody@example.com", actor_id=admin.id), uow=office.uow, clock=office.clock
        )
