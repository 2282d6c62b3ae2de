"""Sign up, sign in, sign out: the same use cases as the API, answered with pages and the session cookie."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.security.jwt import JWTCookieAuth, Token
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.scheduling.dto import RegisterUser, SignIn
from application.scheduling.register_user import register_user
from application.scheduling.sign_in import sign_in
from domain.errors import DomainError, EmailAlreadyRegistered, InvalidCredentials, InvalidInput
from domain.scheduling.user import User
from entrypoints.http.auth import COOKIE_NAME, TOKEN_LIFETIME, AuthenticatedUser
from entrypoints.http.dependencies import ClockDep, Hasher, UoW
from entrypoints.http.errors import domain_status
from entrypoints.http.rate_limits import (
    limit_sign_in_per_account,
    limit_sign_up_per_account,
    note_failed_sign_in,
    note_signed_in,
)
from entrypoints.web.rendering import page

PUBLIC = {"exclude_from_auth": True}


def session_cookie(request: Request[Any, Any, Any], user: User) -> Cookie:
    """The HttpOnly session cookie; only the web forms set it (the API answers bearer tokens)."""
    auth: JWTCookieAuth[AuthenticatedUser, Token] = request.app.state.jwt_auth
    token = auth.create_token(identifier=str(user.id), token_extras={"adm": user.is_admin})
    return Cookie(
        key=COOKIE_NAME,
        value=token,
        max_age=int(TOKEN_LIFETIME.total_seconds()),
        httponly=True,
        secure=auth.secure,
        samesite="lax",
        path="/",
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _field_of(error: DomainError) -> str:
    if isinstance(error, InvalidInput):
        return error.field
    return "email" if isinstance(error, EmailAlreadyRegistered) else "form"


class AccountPages(Controller):
    include_in_schema = False

    @get("/login", opt=PUBLIC, name="login")
    async def login_form(self, next_: Annotated[str | None, QueryParameter(name="next")] = None) -> Template:
        return page("login.html", email="", next=safe_next(next_), error=None)

    @post("/login", opt=PUBLIC, before_request=limit_sign_in_per_account)
    async def login(self, request: Request[Any, Any, Any], uow: UoW, hasher: Hasher) -> Response[Any]:
        form = await request.form()
        email, target = _text(form, "email").strip(), safe_next(_text(form, "next"))
        try:
            user = await sign_in(SignIn(email=email, password=_text(form, "password")), uow=uow, hasher=hasher)
        except (InvalidCredentials, InvalidInput) as refused:
            if isinstance(refused, InvalidCredentials):
                await note_failed_sign_in(request, email)
            return page("login.html", status_code=401, email=email, next=target, error="Wrong email or password.")
        await note_signed_in(request, email)
        return Redirect(target, status_code=HTTP_303_SEE_OTHER, cookies=[session_cookie(request, user)])

    @get("/signup", opt=PUBLIC, name="signup")
    async def signup_form(self) -> Template:
        return page("signup.html", values={"name": "", "email": "", "timezone": ""}, errors={})

    @post("/signup", opt=PUBLIC, before_request=limit_sign_up_per_account)
    async def signup(self, request: Request[Any, Any, Any], uow: UoW, hasher: Hasher, clock: ClockDep) -> Response[Any]:
        form = await request.form()
        values = {name: _text(form, name).strip() for name in ("name", "email", "timezone")}
        command = RegisterUser(
            email=values["email"],
            password=_text(form, "password"),
            name=values["name"],
            timezone=values["timezone"] or "UTC",
        )
        try:
            user = await register_user(command, uow=uow, hasher=hasher, clock=clock)
        except DomainError as error:
            field = (
                error.field
                if isinstance(error, InvalidInput)
                else "email"
                if error.code == "email_already_registered"
                else "form"
            )
            message = error.detail[:1].upper() + error.detail[1:] + "."
            return page("signup.html", status_code=domain_status(error), values=values, errors={field: message})
        return Redirect("/", status_code=HTTP_303_SEE_OTHER, cookies=[session_cookie(request, user)])

    @post("/logout", opt=PUBLIC)
    async def logout(self) -> Response[Any]:
        return Redirect(
            "/login",
            status_code=HTTP_303_SEE_OTHER,
            cookies=[Cookie(key=COOKIE_NAME, value="", max_age=0, path="/")],
        )
