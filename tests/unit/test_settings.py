from __future__ import annotations

from datetime import time

import pytest

from entrypoints.settings import AppEnv, Settings, SettingsError


def settings_from(**env: str) -> Settings:
    return Settings.from_env(env)


def test_defaults_describe_a_development_install() -> None:
    settings = settings_from()
    assert settings.env is AppEnv.DEVELOPMENT
    assert settings.cache_ttl_seconds == 360
    assert (settings.database.pool_size, settings.database.max_overflow) == (20, 40)
    assert settings.database.url is None
    assert settings.redis.url is None


def test_production_logs_errors_only_unless_told_otherwise() -> None:
    secret = "s" * 40
    assert settings_from(APP_ENV="production", SECRET_KEY=secret).log_level == "ERROR"
    assert settings_from(APP_ENV="production", SECRET_KEY=secret, LOG_LEVEL="warning").log_level == "WARNING"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"DATABASE_URL": "mysql://root@localhost/planner"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://u@localhost:notaport/db"}, "DATABASE_URL"),
        (
            {"DATABASE_URL": "postgresql://u@pgbouncer:6432/db", "DATABASE_DIRECT_URL": "mysql://x/db"},
            "DATABASE_DIRECT_URL",
        ),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
        ({"REDIS_CACHE_URL": "memcached://x"}, "REDIS_CACHE_URL"),
        ({"CACHE_TTL_SECONDS": "soon"}, "CACHE_TTL_SECONDS"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE"),
        ({"PUBLIC_BASE_URL": "ftp://example.com"}, "PUBLIC_BASE_URL"),
        ({"APP_ENV": "production"}, "SECRET_KEY"),
        ({"WORKER_CONCURRENCY": "0"}, "WORKER_CONCURRENCY"),
        ({"WORKER_MAX_TASKS": "-1"}, "WORKER_MAX_TASKS"),
        ({"WORKER_MAX_MEMORY_MB": "lots"}, "WORKER_MAX_MEMORY_MB"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        settings_from(**env)


def test_accepts_postgres_and_redis_urls_of_every_supported_shape() -> None:
    settings = settings_from(
        DATABASE_URL="postgresql://postgres@/planner?host=/tmp/pg",
        REDIS_URL="unix:///tmp/redis.sock?db=0",
        REDIS_CACHE_URL="redis://cache:6379/1",
    )
    assert settings.database.url == "postgresql://postgres@/planner?host=/tmp/pg"
    assert settings.redis.cache_url == "redis://cache:6379/1"


def test_exported_settings_read_back_identically() -> None:
    settings = settings_from(DATABASE_URL="postgresql://u:p@db:5432/planner", REDIS_URL="redis://r:6379/0")
    assert Settings.from_env(settings.export()) == settings


def test_a_worker_process_runs_one_job_at_a_time_and_is_recycled_after_500_jobs_or_200_mb() -> None:
    defaults = settings_from().worker
    assert (defaults.concurrency, defaults.max_tasks, defaults.max_memory_mb) == (1, 500, 200)
    unlimited = settings_from(WORKER_CONCURRENCY="4", WORKER_MAX_TASKS="0", WORKER_MAX_MEMORY_MB="0").worker
    assert (unlimited.concurrency, unlimited.max_tasks, unlimited.max_memory_mb) == (4, 0, 0)
    assert Settings.from_env(settings_from(WORKER_MAX_TASKS="7").export()).worker.max_tasks == 7


def test_all_day_reminders_count_from_nine_unless_set_to_another_time_of_day() -> None:
    assert Settings.from_env({"APP_ENV": "test"}).all_day_reminder_time == time(9, 0)
    assert Settings.from_env({"APP_ENV": "test", "ALL_DAY_REMINDER_TIME": "07:30"}).all_day_reminder_time == time(7, 30)
    assert (
        Settings.from_env({"APP_ENV": "test", "ALL_DAY_REMINDER_TIME": "7:30"}).export()["ALL_DAY_REMINDER_TIME"]
        == "07:30"
    )
    for bad in ("24:00", "9", "09:60", "nine"):
        with pytest.raises(SettingsError, match="ALL_DAY_REMINDER_TIME"):
            Settings.from_env({"APP_ENV": "test", "ALL_DAY_REMINDER_TIME": bad})


def test_a_direct_url_says_database_url_is_a_pooler_and_takes_the_work_that_needs_a_session() -> None:
    direct = settings_from(
        DATABASE_URL="postgresql://u:p@pgbouncer:6432/planner", DATABASE_DIRECT_URL="postgresql://u:p@db:5432/planner"
    ).database
    assert direct.pooled
    assert direct.session_url == "postgresql://u:p@db:5432/planner"

    plain = settings_from(DATABASE_URL="postgresql://u:p@db:5432/planner").database
    assert not plain.pooled
    assert plain.session_url == "postgresql://u:p@db:5432/planner"

    # Without DATABASE_URL (embedded servers), a direct URL has nothing to bypass.
    assert settings_from(DATABASE_DIRECT_URL="postgresql://u:p@db:5432/planner").database.direct_url is None


def test_a_direct_url_is_exported_to_child_processes() -> None:
    settings = settings_from(
        DATABASE_URL="postgresql://u:p@pgbouncer:6432/planner", DATABASE_DIRECT_URL="postgresql://u:p@db:5432/planner"
    )
    assert settings.export()["DATABASE_DIRECT_URL"] == "postgresql://u:p@db:5432/planner"
    assert Settings.from_env(settings.export()) == settings


def test_a_stopping_web_process_gives_requests_thirty_seconds_unless_told_otherwise() -> None:
    assert settings_from().shutdown_grace_seconds == 30
    assert settings_from(SHUTDOWN_GRACE_SECONDS="45").shutdown_grace_seconds == 45
    assert Settings.from_env(settings_from(SHUTDOWN_GRACE_SECONDS="45").export()).shutdown_grace_seconds == 45
    for bad in ("0", "-1", "soon"):
        with pytest.raises(SettingsError, match="SHUTDOWN_GRACE_SECONDS"):
            settings_from(SHUTDOWN_GRACE_SECONDS=bad)


def test_planner_up_runs_its_worker_ten_jobs_at_once_unless_told() -> None:
    from entrypoints.cli import UP_WORKER_CONCURRENCY, up_worker_settings

    # `planner worker` runs one job at a time per process; `planner up`'s single process must not let one
    # long import hold up every reminder.
    assert settings_from().worker.concurrency == 1
    assert up_worker_settings(settings_from(), {}).worker.concurrency == UP_WORKER_CONCURRENCY == 10
    told = {"WORKER_CONCURRENCY": "3"}
    assert up_worker_settings(settings_from(**told), told).worker.concurrency == 3
    assert up_worker_settings(settings_from(), {}).export()["WORKER_CONCURRENCY"] == "10"
