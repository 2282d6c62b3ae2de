"""Sign up, sign in, sign out: the same use cases as the API, answered with pages and the session cookie."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.accounts.dto import RegisterUser, SignIn
from application.accounts.register_user import register_user
from application.accounts.sign_in import sign_in
from domain.errors import DomainError, EmailAlreadyRegistered, InvalidCredentials, InvalidInput
from entrypoints.http.dependencies import ClockDep, Hasher, UoW, container_of
from entrypoints.http.errors import domain_status
from entrypoints.http.rate_limits import (
    limit_sign_in_per_account,
    limit_sign_up_per_account,
    note_failed_sign_in,
    note_signed_in,
)
from entrypoints.http.sessions import (
    accounts_of,
    cleared_cookie,
    end_every_session,
    end_presented_session,
    session_cookie,
    start_session,
)
from entrypoints.settings import Settings
from entrypoints.web.rendering import ViewerDep, page

PUBLIC = {"exclude_from_auth": True}
JOINED_NOTICE = "If this address may join, its account is ready: sign in with it."


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class AccountPages(Controller):
    include_in_schema = False

    @get("/login", opt=PUBLIC, name="login")
    async def login_form(
        self,
        next_: Annotated[str | None, QueryParameter(name="next")] = None,
        joined: Annotated[bool, QueryParameter(name="joined")] = False,
    ) -> Template:
        return page("login.html", email="", next=safe_next(next_), error=None, notice=JOINED_NOTICE if joined else None)

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
        token = await start_session(request, user.id)
        return Redirect(target, status_code=HTTP_303_SEE_OTHER, cookies=[session_cookie(request, token)])

    @get("/signup", opt=PUBLIC, name="signup")
    async def signup_form(
        self, request: Request[Any, Any, Any], invitation: Annotated[str | None, QueryParameter(max_length=200)] = None
    ) -> Template:
        values = {"name": "", "email": "", "timezone": "", "invitation": invitation or ""}
        return page("signup.html", values=values, errors={}, registration=_registration(request))

    @post("/signup", opt=PUBLIC, before_request=limit_sign_up_per_account)
    async def signup(self, request: Request[Any, Any, Any], uow: UoW, hasher: Hasher, clock: ClockDep) -> Response[Any]:
        form = await request.form()
        values = {name: _text(form, name).strip() for name in ("name", "email", "timezone", "invitation")}
        settings: Settings = container_of(request.app).settings
        command = RegisterUser(
            email=values["email"],
            password=_text(form, "password"),
            name=values["name"],
            timezone=values["timezone"] or "UTC",
            invitation=values["invitation"][:200] or None,
        )
        try:
            user = await register_user(
                command,
                uow=uow,
                hasher=hasher,
                clock=clock,
                policy=settings.registration,
                invitations=accounts_of(request).invitations,
            )
        except EmailAlreadyRegistered:
            if settings.registration.is_open:
                return page(
                    "signup.html",
                    status_code=409,
                    values=values,
                    errors={"email": "An account with this email already exists."},
                    registration=_registration(request),
                )
            user = None
        except DomainError as error:
            field = (
                error.field
                if isinstance(error, InvalidInput)
                else "email"
                if error.code == "email_already_registered"
                else "form"
            )
            message = error.detail[:1].upper() + error.detail[1:] + "."
            return page(
                "signup.html",
                status_code=domain_status(error),
                values=values,
                errors={field: message},
                registration=_registration(request),
            )
        if user is None or not settings.registration.is_open:
            # The same answer whether the email had an account or not: a stranger learns nothing from it.
            return Redirect("/login?joined=1", status_code=HTTP_303_SEE_OTHER)
        token = await start_session(request, user.id)
        return Redirect("/", status_code=HTTP_303_SEE_OTHER, cookies=[session_cookie(request, token)])

    @post("/logout", opt=PUBLIC)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        await end_presented_session(request)
        return Redirect("/login", status_code=HTTP_303_SEE_OTHER, cookies=[cleared_cookie()])

    @post("/logout-all")
    async def logout_everywhere(self, request: Request[Any, Any, Any], viewer: ViewerDep) -> Response[Any]:
        """Sign out everywhere: every session of the person ends, this one too."""
        await end_every_session(request, viewer.user.id)
        return Redirect("/login", status_code=HTTP_303_SEE_OTHER, cookies=[cleared_cookie()])


def _registration(request: Request[Any, Any, Any]) -> str:
    settings: Settings = container_of(request.app).settings
    return settings.registration.mode.value
