"""The worker knows every task the outbox hands work to, and runs the notification crons every minute."""

from adapters.saq.calendar_imports import IMPORT_TASK
from adapters.saq.google_sync import REFRESH_CALENDARS_TASK, RUN_JOB_TASK, SYNC_CALENDAR_TASK, WATCH_CALENDARS_TASK
from adapters.saq.notifications import CREATE_NOTIFICATION_TASK
from adapters.saq.outbox import DISPATCH_TASK, OUTBOX_TASKS, RETRIED, task_for
from entrypoints.worker.notification_tasks import SHARE_REMINDERS_TASK
from entrypoints.worker.settings import CRON_JOBS, TASKS


def test_every_task_the_outbox_or_others_enqueue_is_registered() -> None:
    registered = {task.__qualname__ for task in TASKS}

    assert {DISPATCH_TASK, CREATE_NOTIFICATION_TASK, IMPORT_TASK, *OUTBOX_TASKS.values()} <= registered
    assert {
        "notify_event_invited",
        "notify_event_updated",
        "notify_event_cancelled",
        "notify_participant_response",
        "create_notification",
        "send_scheduled_reminders",
        SHARE_REMINDERS_TASK,
    } <= registered


def test_outbox_messages_go_to_the_task_named_after_what_people_are_told() -> None:
    assert task_for("participant_invited") == "notify_event_invited"
    assert task_for("participant_responded") == "notify_participant_response"
    assert task_for("event_created") == DISPATCH_TASK


def test_jobs_are_retried_five_times_with_exponential_backoff() -> None:
    assert RETRIED["retries"] == 5
    assert RETRIED["retry_delay"] > 0
    assert RETRIED["retry_backoff"]


def test_reminders_and_the_outbox_sweeper_run_every_minute() -> None:
    crons = {job.function.__qualname__: job.cron for job in CRON_JOBS}  # type: ignore[union-attr]

    assert {name: crons[name] for name in ("send_scheduled_reminders", "sweep_outbox")} == {
        "send_scheduled_reminders": "* * * * *",
        "sweep_outbox": "* * * * *",
    }
    assert all(job.unique for job in CRON_JOBS)


def test_partial_jobs_are_retried_every_five_minutes_and_channels_renewed_hourly() -> None:
    crons = {job.function.__qualname__: job.cron for job in CRON_JOBS}  # type: ignore[union-attr]
    registered = {task.__qualname__ for task in TASKS}

    assert crons["retry_partial_jobs"] == "*/5 * * * *"
    assert crons["renew_google_channels"].endswith(" * * * *")
    assert {RUN_JOB_TASK, SYNC_CALENDAR_TASK, WATCH_CALENDARS_TASK} <= registered


def test_due_google_syncs_polls_and_calendar_lists_are_queued_every_minute() -> None:
    crons = {job.function.__qualname__: job.cron for job in CRON_JOBS}  # type: ignore[union-attr]
    registered = {task.__qualname__ for task in TASKS}

    assert crons["sync_due_google_calendars"] == "* * * * *"
    assert REFRESH_CALENDARS_TASK in registered


def test_series_reminders_are_planned_hourly_and_occurrence_horizons_extended_daily() -> None:
    crons = {job.function.__qualname__: job.cron for job in CRON_JOBS}  # type: ignore[union-attr]
    registered = {task.__qualname__ for task in TASKS}

    assert crons["plan_series_reminders"].split()[1:] == ["*", "*", "*", "*"]
    minute, hour, *every_day = crons["extend_occurrence_horizons"].split()
    assert minute.isdigit()
    assert hour.isdigit()
    assert every_day == ["*", "*", "*"]
    assert {"plan_series_reminders", "extend_occurrence_horizons"} <= registered
