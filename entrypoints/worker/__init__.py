"""The SAQ worker: settings, tasks and cron jobs."""
