"""Sign up, sign in, sign out, and who am I."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody
from litestar.security.jwt import JWTCookieAuth
from litestar.security.jwt import Token as Jwt
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.scheduling.dto import RegisterUser, SignIn
from application.scheduling.get_user import get_user
from application.scheduling.register_user import register_user
from application.scheduling.sign_in import sign_in
from domain.errors import InvalidCredentials
from entrypoints.http.auth import COOKIE_NAME, TOKEN_LIFETIME, AuthenticatedUser
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.rate_limits import (
    limit_sign_in_per_account,
    limit_sign_up_per_account,
    note_failed_sign_in,
    note_signed_in,
)
from entrypoints.http.schemas.users import Login, Register, Token, User


class AuthController(Controller):
    path = "/api/auth"
    tags = ["Auth"]

    @post(
        "/register",
        operation_id="register",
        responses=problems(409, 422, 429),
        status_code=HTTP_201_CREATED,
        summary="Create an account",
        before_request=limit_sign_up_per_account,
    )
    async def register(self, data: JSONBody[Register], ctx: Ctx) -> User:
        user = await register_user(
            RegisterUser(email=data.email, password=data.password, name=data.name, timezone=data.timezone),
            uow=ctx.uow,
            hasher=ctx.hasher,
            clock=ctx.clock,
        )
        return User.of(user)

    @post(
        "/login",
        operation_id="login",
        responses=problems(401, 415, 422, 429),
        status_code=HTTP_200_OK,
        summary="Sign in: a bearer token (no cookie; the web client's /login form sets that)",
        before_request=limit_sign_in_per_account,
    )
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[Login], ctx: Ctx) -> Response[Token]:
        # No cookie: a cross-site page that got a victim's browser to sign in here would otherwise
        # leave it signed into the attacker's account (login CSRF).
        try:
            user = await sign_in(SignIn(email=data.email, password=data.password), uow=ctx.uow, hasher=ctx.hasher)
        except InvalidCredentials:
            await note_failed_sign_in(request, data.email)
            raise
        await note_signed_in(request, data.email)
        auth: JWTCookieAuth[AuthenticatedUser, Jwt] = request.app.state.jwt_auth
        token = auth.create_token(identifier=str(user.id), token_extras={"adm": user.is_admin})
        lifetime = int(TOKEN_LIFETIME.total_seconds())
        return Response(
            Token(access_token=token, token_type="bearer", expires_in=lifetime),  # noqa: S106 - the OAuth token type
            headers={"Cache-Control": "no-store"},
        )

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT, summary="Sign out: clear the cookie")
    async def logout(self) -> Response[None]:
        return Response(
            None, status_code=HTTP_204_NO_CONTENT, cookies=[Cookie(key=COOKIE_NAME, value="", max_age=0, path="/")]
        )


class MeController(Controller):
    path = "/api/me"
    tags = ["Auth"]

    @get("/", operation_id="getMe", responses=problems(401), summary="The signed-in user")
    async def me(self, ctx: Ctx) -> User:
        return User.of(await get_user(ctx.actor.id, uow=ctx.uow))
