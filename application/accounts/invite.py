"""Invite: a single-use sign-up link for one email address, made by an administrator (or an operator)."""

from application.accounts.dto import InviteUser
from application.scheduling.access import administrator
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.invitation import Invitation
from domain.accounts.ports import InvitationStore
from domain.clock import Clock
from domain.errors import EmailAlreadyRegistered


async def invite(
    command: InviteUser, *, uow: UnitOfWork, invitations: InvitationStore, clock: Clock
) -> tuple[Invitation, str]:
    """The invitation and its token (shown once); `actor_id` None is an operator on the command line."""
    actor_id, address = command.actor_id, normalize_email(command.email)
    async with uow:
        if actor_id is not None:
            await administrator(uow, actor_id)
        # Only administrators get here, so saying that the person already has an account reveals nothing new.
        if await uow.users.get_by_email(address) is not None:
            raise EmailAlreadyRegistered(address)
    invitation, token = Invitation.issue(email=address, invited_by=actor_id, now=clock.now())
    await invitations.add(invitation)
    return invitation, token
