"""The `planner` command: up, run, worker, db upgrade."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click
import structlog

from entrypoints.logs import configure_logging
from entrypoints.settings import Settings, SettingsError

if TYPE_CHECKING:
    from application.unit_of_work import UnitOfWork
    from domain.accounts.ports import InvitationStore, PasswordHasher, SessionStore
    from entrypoints.bootstrap.servers import CatchAllSmtpServer

log = structlog.get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class AccountsOnDatabase:
    """What the `planner users` commands work with, on one short-lived engine."""

    settings: Settings
    uow: UnitOfWork
    sessions: SessionStore
    invitations: InvitationStore
    hasher: PasswordHasher


class Stopped(Exception):
    """SIGINT or SIGTERM arrived while starting or stopping."""


def fail(message: str) -> NoReturn:
    click.echo(f"planner: {message}", err=True)
    sys.exit(1)


def load_settings(*, serving: bool = False) -> Settings:
    """The settings from the environment; `serving` ones (web, worker) must hold a SECRET_KEY of their own."""
    try:
        settings = Settings.from_env()
        if serving:
            settings.require_secret_key()
    except SettingsError as exc:
        fail(str(exc))
    configure_logging(settings.log_level, json=settings.is_production)
    return settings


@contextlib.contextmanager
def signals_raise_stopped() -> Iterator[None]:
    """Turn SIGINT/SIGTERM into an exception, so `finally` blocks stop what was started."""

    def handler(signum: int, _: FrameType | None) -> None:
        raise Stopped(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def ignore_signals() -> None:
    """While stopping servers, a second Ctrl-C must not leave them half-stopped."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """planner: team calendars and meeting rooms."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--data-dir",
    default=".planner",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the embedded PostgreSQL and Redis keep their data.",
)
@click.option(
    "--mail",
    is_flag=True,
    help="Run a local catch-all SMTP server and send email to it (read it on /admin/mail); overrides SMTP_URL.",
)
def up(host: str, port: int, data_dir: Path, mail: bool) -> None:
    """Start everything: embedded servers (unless DATABASE_URL/REDIS_URL are set), migrations, web and worker."""
    from entrypoints.bootstrap.preflight import PreflightError, check_servers
    from entrypoints.bootstrap.servers import (
        CatchAllSmtpServer,
        DataDirLock,
        EmbeddedPostgres,
        EmbeddedRedis,
        EmbeddedServerError,
        load_or_create_secret_key,
    )
    from entrypoints.serve import serve_with_worker
    from entrypoints.settings import random_secret_key

    settings = load_settings()
    if not settings.secret_key:
        try:
            settings = settings.with_secret_key(load_or_create_secret_key(data_dir, random_secret_key))
        except EmbeddedServerError as exc:
            fail(str(exc))
    _web_assets()
    lock = DataDirLock(data_dir)
    postgres = EmbeddedPostgres(data_dir) if not settings.database.url else None
    redis = EmbeddedRedis(data_dir) if not settings.redis.url else None
    catch_all = CatchAllSmtpServer(data_dir / "mail") if mail else None
    try:
        with signals_raise_stopped():
            if postgres or redis:
                lock.acquire()
            sock = _bind_or_fail(host, port)
            if catch_all is not None:
                settings = _send_mail_to(catch_all, settings)
            database_url = postgres.start() if postgres else settings.database.url
            redis_url = redis.start() if redis else settings.redis.url
            settings = settings.with_servers(database_url or "", redis_url or "")
            asyncio.run(check_servers(settings))
            _migrate(settings)
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{sock.getsockname()[1]}"

        def announce(ready_url: str) -> None:
            where = f"data in {data_dir}" if postgres or redis else "servers from DATABASE_URL/REDIS_URL"
            click.echo(f"planner is ready at {ready_url} ({where}; Ctrl-C to stop)", err=False)

        asyncio.run(serve_with_worker(settings, sock, url, announce))
    except (EmbeddedServerError, PreflightError) as exc:
        fail(str(exc))
    except Stopped:
        log.info("up.interrupted")
    finally:
        ignore_signals()
        if catch_all is not None:
            catch_all.stop()
        if redis:
            redis.stop()
        if postgres:
            postgres.stop()
        lock.release()


def _send_mail_to(catch_all: CatchAllSmtpServer, settings: Settings) -> Settings:
    """Start the local catch-all SMTP server; answer the settings that send every email to it."""
    catch_all.start()
    click.echo(f"email goes to a local catch-all SMTP server ({catch_all.url}); read it on /admin/mail")
    return settings.with_mail(smtp_url=catch_all.url, catch_all_dir=str(catch_all.maildir.resolve()))


def _bind_or_fail(host: str, port: int) -> socket.socket:
    from entrypoints.serve import bind_socket

    try:
        return bind_socket(host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror}; is another planner running? pass --port")


def _web_assets(*, required: bool = True) -> None:
    """The web pages load htmx from node_modules: `npm ci` when it is missing, or say what to install.

    `planner up` stops there; `planner run` (production, where the image ships node_modules) only warns,
    since the API does not need them.
    """
    from entrypoints.web.assets import AssetsMissing, ensure_assets

    try:
        ensure_assets()
    except AssetsMissing as exc:
        if required:
            fail(str(exc))
        log.warning("web.assets_missing", detail=str(exc))


def _migrate(settings: Settings) -> None:
    from sqlalchemy.exc import DBAPIError

    from entrypoints.bootstrap.preflight import shown_url
    from entrypoints.bootstrap.servers import upgrade

    try:
        upgrade(settings.database.url or "")
    except (DBAPIError, OSError) as exc:
        fail(f"migrations failed on {shown_url(settings.database.url or '')}: {str(exc).splitlines()[0]}")


def _require_servers(settings: Settings) -> None:
    from entrypoints.bootstrap.preflight import PreflightError, check_servers

    if not settings.database.url or not settings.redis.url:
        fail("DATABASE_URL and REDIS_URL must be set; `planner up` starts embedded servers when they are not")
    try:
        asyncio.run(check_servers(settings))
    except PreflightError as exc:
        fail(str(exc))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn processes.")
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Proxies whose X-Forwarded-For/-Proto are believed (comma-separated, or *); default loopback, "
    "or FORWARDED_ALLOW_IPS.",
)
def run(host: str, port: int, workers: int, forwarded_allow_ips: str | None) -> None:
    """Serve the web app only (uvicorn), on the servers at DATABASE_URL and REDIS_URL.

    SIGTERM stops it gracefully: no new connections, notification streams told to reconnect elsewhere, requests in
    flight given SHUTDOWN_GRACE_SECONDS to finish.
    """
    import uvicorn

    settings = load_settings(serving=True)
    _require_servers(settings)
    _web_assets(required=False)
    try:
        from entrypoints.serve import bind_socket

        bind_socket(host, port).close()
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror}; pass --port")
    uvicorn.run(
        "entrypoints.serve:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=not settings.is_production,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


@main.command()
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
def worker(processes: int) -> None:
    """Run SAQ workers only, on the Redis at REDIS_URL."""
    settings = load_settings(serving=True)
    _require_servers(settings)
    if processes == 1:
        _run_worker()
        return
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_run_worker, name=f"planner-worker-{i + 1}") for i in range(processes)]
    for child in children:
        child.start()

    def forward(signum: int, _: FrameType | None) -> None:
        for child in children:
            if child.pid is not None and child.is_alive():
                os.kill(child.pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        child.join()
    sys.exit(max((child.exitcode or 0) for child in children))


def _run_worker() -> None:
    from entrypoints.bootstrap import create_worker_queue
    from entrypoints.worker.settings import build_worker, saq_config

    settings = load_settings()

    async def work() -> None:
        queue = create_worker_queue(settings)
        await queue.connect()
        worker = build_worker(saq_config(settings, queue))
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        running = asyncio.create_task(worker.start())
        await asyncio.wait({running, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
        await worker.stop()
        await asyncio.gather(running, return_exceptions=True)
        await queue.disconnect()

    asyncio.run(work())


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations to the database at DATABASE_URL."""
    settings = load_settings()
    if not settings.database.url:
        fail("DATABASE_URL must be set (`planner up` migrates its embedded database by itself)")
    from entrypoints.bootstrap.preflight import PreflightError, check_servers

    try:
        asyncio.run(check_servers(Settings(database=settings.database)))
    except PreflightError as exc:
        fail(str(exc))
    from entrypoints.bootstrap.servers import upgrade

    upgrade(settings.database.url, revision)
    click.echo(f"database at revision {revision}")


@main.group()
def users() -> None:
    """People and their roles."""


DATA_DIR_OPTION = click.option(
    "--data-dir",
    default=".planner",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The running `planner up` whose embedded database to use when DATABASE_URL is unset.",
)


def _on_database(data_dir: Path, work: Callable[[AccountsOnDatabase], Awaitable[T]]) -> T:
    """Run `work` on the database at DATABASE_URL (or of the running `planner up`); a refusal is one line."""
    from domain.errors import DomainError
    from entrypoints.bootstrap import database_only
    from entrypoints.bootstrap.servers import running_database_url

    settings = load_settings()
    database_url = settings.database.url or running_database_url(data_dir)
    if database_url is None:
        fail(f"no planner is running on data dir {data_dir}; start `planner up` or set DATABASE_URL")

    async def run() -> T:
        async with database_only(database_url) as database:
            return await work(
                AccountsOnDatabase(
                    settings=settings,
                    uow=database.unit_of_work(),
                    sessions=database.sessions,
                    invitations=database.invitations,
                    hasher=database.hasher,
                )
            )

    try:
        return asyncio.run(run())
    except DomainError as exc:
        fail(exc.detail)


@users.command("promote")
@click.argument("email")
@DATA_DIR_OPTION
def users_promote(email: str, data_dir: Path) -> None:
    """Make the user with EMAIL an administrator."""
    from application.accounts.dto import PromoteUser
    from application.accounts.promote_user import promote_user
    from domain.clock import SystemClock

    async def promote(on: AccountsOnDatabase) -> str:
        return (await promote_user(PromoteUser(email=email), uow=on.uow, clock=SystemClock())).email

    click.echo(f"{_on_database(data_dir, promote)} is now an administrator")


@users.command("demote")
@click.argument("email")
@DATA_DIR_OPTION
def users_demote(email: str, data_dir: Path) -> None:
    """Take administration away from the user with EMAIL; their sessions end."""
    from application.accounts.demote_user import demote_user
    from application.accounts.dto import DemoteUser

    async def demote(on: AccountsOnDatabase) -> str:
        return (await demote_user(DemoteUser(email=email), uow=on.uow, sessions=on.sessions)).email

    click.echo(f"{_on_database(data_dir, demote)} is no longer an administrator; their sessions ended")


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="Display name (default: the part of EMAIL before the @).")
@click.option("--timezone", "timezone_name", default="UTC", show_default=True, help="IANA time zone.")
@click.password_option(
    "--password",
    envvar="PLANNER_ADMIN_PASSWORD",
    help="The password (asked for when not given; or set PLANNER_ADMIN_PASSWORD).",
)
@DATA_DIR_OPTION
def users_create_admin(email: str, name: str | None, timezone_name: str, password: str, data_dir: Path) -> None:
    """Create an administrator account (the first one, whatever REGISTRATION says)."""
    from application.accounts.create_admin import create_admin
    from application.accounts.dto import RegisterUser
    from domain.clock import SystemClock

    command = RegisterUser(
        email=email, password=password, name=name or email.partition("@")[0] or email, timezone=timezone_name
    )

    async def create(on: AccountsOnDatabase) -> str:
        user = await create_admin(command, uow=on.uow, hasher=on.hasher, clock=SystemClock())
        return user.email

    click.echo(f"{_on_database(data_dir, create)} is an administrator; sign in with that email")


@users.command("invite")
@click.argument("email")
@DATA_DIR_OPTION
def users_invite(email: str, data_dir: Path) -> None:
    """Print a single-use sign-up link for EMAIL (valid 7 days)."""
    from application.accounts.dto import InviteUser
    from application.accounts.invite import invite
    from domain.clock import SystemClock
    from entrypoints.http.controllers.invitations import invitation_url

    async def make(on: AccountsOnDatabase) -> str:
        _, token = await invite(InviteUser(email=email), uow=on.uow, invitations=on.invitations, clock=SystemClock())
        return invitation_url(on.settings.public_base_url, token)

    click.echo(_on_database(data_dir, make))


if __name__ == "__main__":
    main()
