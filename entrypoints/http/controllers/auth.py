"""Sign up, sign in, sign out (here or everywhere), and who am I."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application.accounts.dto import RegisterUser, SignIn
from application.accounts.get_user import get_user
from application.accounts.register_user import register_user
from application.accounts.sign_in import sign_in
from domain.errors import EmailAlreadyRegistered, InvalidCredentials
from entrypoints.http.auth import TOKEN_LIFETIME
from entrypoints.http.dependencies import Ctx, container_of
from entrypoints.http.problems import problems
from entrypoints.http.rate_limits import (
    limit_sign_in_per_account,
    limit_sign_up_per_account,
    note_failed_sign_in,
    note_signed_in,
)
from entrypoints.http.schemas.examples import LoginBody, RegisterBody
from entrypoints.http.schemas.users import RegistrationReceived, Token, User
from entrypoints.http.scopes import any_token, sessions_only
from entrypoints.http.sessions import (
    accounts_of,
    cleared_cookie,
    end_every_session,
    end_presented_session,
    start_session,
)
from entrypoints.settings import Settings

REGISTRATION_RECEIVED = "If this address may join, its account is ready: sign in with it."


class AuthController(Controller):
    path = "/api/auth"
    tags = ["Auth"]

    @post(
        "/register",
        operation_id="register",
        responses={
            **problems(403, 409, 422, 429),
            HTTP_201_CREATED: ResponseSpec(User, description="The new account (REGISTRATION open)"),
            HTTP_202_ACCEPTED: ResponseSpec(
                RegistrationReceived, description="REGISTRATION is not open: the same answer for every email"
            ),
        },
        status_code=HTTP_201_CREATED,
        summary="Create an account (with an invitation unless REGISTRATION admits the email)",
        before_request=limit_sign_up_per_account,
    )
    async def register(self, request: Request[Any, Any, Any], data: RegisterBody, ctx: Ctx) -> Response[Any]:
        """Create an account. With REGISTRATION open (the default) the answer is the new account; otherwise an
        invitation token (from an administrator's link) or an admitted email domain is needed, and the answer is
        the same for every email. The first account administers planner."""
        settings: Settings = container_of(request.app).settings
        command = RegisterUser(
            email=data.email,
            password=data.password,
            name=data.name,
            timezone=data.timezone,
            invitation=data.invitation,
        )
        try:
            user = await register_user(
                command,
                uow=ctx.uow,
                hasher=ctx.hasher,
                clock=ctx.clock,
                policy=settings.registration,
                invitations=accounts_of(request).invitations,
            )
        except EmailAlreadyRegistered:
            if settings.registration.is_open:
                raise
            user = None
        if not settings.registration.is_open:
            # Whoever may sign up here, a stranger must not learn from the answer which emails have accounts.
            return Response(RegistrationReceived(detail=REGISTRATION_RECEIVED), status_code=HTTP_202_ACCEPTED)
        assert user is not None
        return Response(User.of(user), status_code=HTTP_201_CREATED)

    @post(
        "/login",
        operation_id="login",
        responses=problems(401, 415, 422, 429),
        status_code=HTTP_200_OK,
        summary="Sign in: a bearer token (no cookie; the web client's /login form sets that)",
        before_request=limit_sign_in_per_account,
    )
    async def login(self, request: Request[Any, Any, Any], data: LoginBody, ctx: Ctx) -> Response[Token]:
        """Sign in with email and password: answers a session token (a JWT, at most 12 hours) to send as
        `Authorization: Bearer <token>`. An integration should not keep the password: make a personal token
        for it with the session token (POST /api/tokens)."""
        # No cookie: a cross-site page that got a victim's browser to sign in here would otherwise
        # leave it signed into the attacker's account (login CSRF). The web /login form sets it.
        try:
            user = await sign_in(SignIn(email=data.email, password=data.password), uow=ctx.uow, hasher=ctx.hasher)
        except InvalidCredentials:
            await note_failed_sign_in(request, data.email)
            raise
        await note_signed_in(request, data.email)
        token = await start_session(request, user.id)
        lifetime = int(TOKEN_LIFETIME.total_seconds())
        return Response(
            Token(access_token=token, token_type="bearer", expires_in=lifetime),  # noqa: S106 - the OAuth token type
            headers={"Cache-Control": "no-store"},
        )

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT, summary="Sign out: end this session")
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        """End the session whose token (or cookie) the request carries; the cookie is cleared. Answers 204 even
        without a valid session."""
        await end_presented_session(request)
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[cleared_cookie()])

    @post(
        "/logout-all",
        operation_id="logoutEverywhere",
        **sessions_only(),
        responses=problems(401),
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out everywhere: end every session of the signed-in user",
    )
    async def logout_all(self, request: Request[Any, Any, Any], ctx: Ctx) -> Response[None]:
        """End every session of the signed-in person, on every device; their open notification streams close. API
        tokens are not revoked (revoke them with DELETE /api/tokens/{id})."""
        await end_every_session(request, ctx.actor.id)
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[cleared_cookie()])


class MeController(Controller):
    path = "/api/me"
    tags = ["Auth"]

    @get("/", operation_id="getMe", **any_token(), responses=problems(401), summary="The signed-in user")
    async def me(self, ctx: Ctx) -> User:
        """Who the caller is: the signed-in person, or the person whose token it is."""
        return User.of(await get_user(ctx.actor.id, uow=ctx.uow))
