"""The `planner` command: up, run, worker, db upgrade/backup/restore, users."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click
import structlog

from entrypoints.logs import configure_logging
from entrypoints.settings import Settings, SettingsError
from entrypoints.telemetry.multiprocess import own_metrics_dir, serve_metrics

if TYPE_CHECKING:
    from application.unit_of_work import UnitOfWork
    from domain.accounts.ports import InvitationStore, PasswordHasher, SessionStore
    from entrypoints.bootstrap.servers import CatchAllSmtpServer

log = structlog.get_logger(__name__)
T = TypeVar("T")

UP_WORKER_CONCURRENCY = 10
"""Jobs `planner up`'s worker process runs at once unless WORKER_CONCURRENCY says otherwise."""


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
@click.option(
    "--worker-processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes, supervised as by `planner worker` (WORKER_MAX_TASKS and WORKER_MAX_MEMORY_MB apply; "
    f"each runs WORKER_CONCURRENCY jobs at once, {UP_WORKER_CONCURRENCY} unless set).",
)
def up(host: str, port: int, data_dir: Path, mail: bool, worker_processes: int) -> None:
    """Start everything: embedded servers (unless DATABASE_URL/REDIS_URL are set), migrations, web and workers."""
    # A directory of its own, not in the data dir: a second `planner up` refused by the data dir's lock must not
    # wipe the running one's series.
    with own_metrics_dir():
        _up(host, port, data_dir, mail, worker_processes)


def up_worker_settings(settings: Settings, environ: Mapping[str, str]) -> Settings:
    """`planner up`'s worker: UP_WORKER_CONCURRENCY jobs at once, unless WORKER_CONCURRENCY is set.

    `planner worker` runs one job at a time per process (production runs several processes); `planner up`
    is one machine with one worker process by default, where one long job (an .ics import, a Google full
    sync) must not hold up every reminder and notification behind it.
    """
    if "WORKER_CONCURRENCY" in environ:
        return settings
    return replace(settings, worker=replace(settings.worker, concurrency=UP_WORKER_CONCURRENCY))


def _up(host: str, port: int, data_dir: Path, mail: bool, worker_processes: int) -> None:
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

    settings = up_worker_settings(load_settings(), os.environ)
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

        asyncio.run(serve_with_worker(settings, sock, url, announce, worker_processes=worker_processes))
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
        upgrade(settings.database.session_url or "")  # DDL under an advisory lock: not through a pooler
    except (DBAPIError, OSError) as exc:
        fail(f"migrations failed on {shown_url(settings.database.session_url or '')}: {str(exc).splitlines()[0]}")


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
    with own_metrics_dir():  # before anything imports prometheus_client; every uvicorn process writes there
        _run(host, port, workers, forwarded_allow_ips)


def _run(host: str, port: int, workers: int, forwarded_allow_ips: str | None) -> None:
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


@main.command(
    epilog=(
        "A process being replaced takes no new job and finishes the ones it runs; SIGTERM does the same for all of "
        "them, then the command exits. A process killed mid-job loses nothing: its job is retried once the job's "
        "heartbeat or timeout runs out. Limits, from the environment: WORKER_CONCURRENCY, jobs one process runs at "
        "once (1); WORKER_MAX_TASKS, max tasks after which a process is replaced (500); WORKER_MAX_MEMORY_MB, "
        "memory (RSS) past which a process is replaced (200)."
    )
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes to keep running (each replaced when it exits).",
)
def worker(processes: int) -> None:
    """Run SAQ worker processes only, on the Redis at REDIS_URL, recycled at their max tasks and memory (their
    metrics at WORKER_METRICS_PORT, when set)."""
    from entrypoints.worker.processes import run_worker_process, supervise_until_signalled

    with own_metrics_dir():  # before anything imports prometheus_client
        settings = load_settings(serving=True)
        _require_servers(settings)
        if settings.worker_metrics_port is not None:
            serve_metrics(settings.worker_metrics_port)
        sys.exit(supervise_until_signalled(settings, processes, run_worker_process))


@main.group()
def db() -> None:
    """Database schema, backups and restores."""


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

    upgrade(settings.database.session_url or settings.database.url, revision)  # past a pooler: direct
    click.echo(f"database at revision {revision}")


@dataclass(frozen=True)
class BackupTarget:
    """The database a backup reads or a restore replaces, and the cache a restore makes stale."""

    database_url: str
    cache_url: str | None
    shown: str


@contextlib.contextmanager
def _backup_target(settings: Settings, data_dir: Path, *, with_cache: bool) -> Iterator[BackupTarget]:
    """DATABASE_URL's server (DATABASE_DIRECT_URL's behind a pooler), else the embedded one of `data_dir`.

    The embedded server of a running `planner up` is used as it runs; when none runs, it is started
    for the command (holding the data dir's lock, so no `planner up` starts meanwhile) and stopped after,
    and so is its embedded Redis `with_cache` (a restore makes the cache it keeps on disk stale).
    """
    from entrypoints.bootstrap.preflight import shown_url
    from entrypoints.bootstrap.servers import (
        DataDirLock,
        EmbeddedPostgres,
        EmbeddedRedis,
        EmbeddedServerError,
        default_cache_url,
        running_database_url,
        running_redis_url,
    )

    def cache_url(redis_url: str | None) -> str | None:
        return settings.redis.cache_url or (default_cache_url(redis_url) if redis_url else None)

    database_url = settings.database.session_url
    if database_url:
        redis_url = settings.redis.url or running_redis_url(data_dir)
        yield BackupTarget(database_url, cache_url(redis_url), shown_url(database_url))
        return
    if not (data_dir / "postgres").is_dir():
        fail(f"no planner database in data dir {data_dir}; pass --data-dir, or set DATABASE_URL")
    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
    except EmbeddedServerError:  # a `planner up` runs there: use its servers
        running = running_database_url(data_dir)
        if running is None:
            fail(f"the planner on data dir {data_dir} has not started its database yet; try again in a moment")
        yield BackupTarget(
            running, cache_url(running_redis_url(data_dir)), f"the running planner's database in {data_dir}"
        )
        return
    postgres = EmbeddedPostgres(data_dir)
    embedded_cache = with_cache and not settings.redis.url and (data_dir / "redis").is_dir()
    redis = EmbeddedRedis(data_dir) if embedded_cache else None
    try:
        with signals_raise_stopped():
            started = postgres.start()
            redis_url = redis.start() if redis else settings.redis.url
        yield BackupTarget(started, cache_url(redis_url), f"the database in {data_dir}")
    except EmbeddedServerError as exc:
        fail(str(exc))
    except Stopped:
        fail("interrupted")
    finally:
        ignore_signals()
        if redis:
            redis.stop()
        postgres.stop()
        lock.release()


BACKUP_DATA_DIR_OPTION = click.option(
    "--data-dir",
    default=".planner",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The data dir of `planner up` whose embedded database to use when DATABASE_URL is unset "
    "(running or not: a stopped one is started for the command).",
)


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@BACKUP_DATA_DIR_OPTION
def db_backup(file: Path, data_dir: Path) -> None:
    """Write the whole database to FILE (pg_dump's custom format), while planner runs or not."""
    from entrypoints.bootstrap.servers import BackupError, dump

    settings = load_settings()
    with _backup_target(settings, data_dir, with_cache=False) as target:
        try:
            size = dump(target.database_url, file)
        except BackupError as exc:
            fail(f"backup of {target.shown} failed: {exc}")
    click.echo(f"backed up {target.shown} to {file} ({size // 1024} KB)")


@db.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@BACKUP_DATA_DIR_OPTION
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def db_restore(file: Path, data_dir: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in FILE, in one transaction (planner may run)."""
    from redis.exceptions import RedisError

    from entrypoints.bootstrap.servers import BackupError, forget_every_cached_read, restore

    settings = load_settings()
    with _backup_target(settings, data_dir, with_cache=True) as target:
        if not yes:
            click.confirm(
                f"Replace everything in {target.shown} with the backup {file}? "
                "Whatever was written since that backup is lost",
                abort=True,
            )
        try:
            restore(target.database_url, file)
        except BackupError as exc:
            fail(f"restore into {target.shown} failed, nothing was changed: {exc}")
        if target.cache_url:
            try:
                asyncio.run(forget_every_cached_read(target.cache_url))
            except (RedisError, OSError) as exc:
                fail(
                    f"restored {target.shown}, but the cache could not be told ({exc}): cached week views may show "
                    f"what was written after the backup for up to CACHE_TTL_SECONDS ({settings.cache_ttl_seconds} s)"
                )
    click.echo(f"restored {target.shown} from {file}")


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
    database_url = settings.database.session_url or running_database_url(data_dir)
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
