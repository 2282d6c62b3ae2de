"""Sign-in and closed sign-up tell a stranger nothing about which emails have accounts."""

from __future__ import annotations

import pytest

from application.accounts.dto import RegisterUser, SignIn
from application.accounts.register_user import register_user
from application.accounts.sign_in import sign_in
from domain.accounts.registration import RegistrationMode, RegistrationPolicy
from domain.errors import InvalidCredentials, RegistrationClosed
from tests.fakes.passwords import FakePasswordHasher
from tests.unit.scheduling.office import PASSWORD, Office


class CountingHasher(FakePasswordHasher):
    """The fake hasher, counting the (slow, in real life) verifications."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return await super().verify(password_hash, password)


@pytest.fixture
def office() -> Office:
    return Office()


async def test_an_unknown_email_costs_a_password_verification_like_a_wrong_password(office: Office) -> None:
    ada = await office.person()
    hasher = CountingHasher()

    with pytest.raises(InvalidCredentials) as wrong_password:
        await sign_in(SignIn(email=ada.email, password="not the password"), uow=office.uow, hasher=hasher)
    with pytest.raises(InvalidCredentials) as unknown_email:
        await sign_in(SignIn(email="nobody@example.com", password=PASSWORD), uow=office.uow, hasher=hasher)

    assert hasher.verified == 2
    assert str(wrong_password.value) == str(unknown_email.value)


@pytest.mark.parametrize("mode", [RegistrationMode.INVITE, RegistrationMode.DOMAIN])
async def test_a_closed_sign_up_refuses_known_and_unknown_emails_alike_before_looking_them_up(
    office: Office, mode: RegistrationMode
) -> None:
    ada = await office.person(email="ada@example.org")
    policy = RegistrationPolicy(mode, domains=("example.com",) if mode is RegistrationMode.DOMAIN else ())
    answers = []
    for email in (ada.email, "newcomer@example.org"):
        command = RegisterUser(email=email, password=PASSWORD, name="Someone")
        with pytest.raises(RegistrationClosed) as refused:
            await register_user(command, uow=office.uow, hasher=office.hasher, clock=office.clock, policy=policy)
        answers.append(str(refused.value))
    assert answers[0] == answers[1]
