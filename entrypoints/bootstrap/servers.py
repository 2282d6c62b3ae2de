"""The servers the CLI starts or prepares, as the composition root chooses them.

`planner up` runs embedded PostgreSQL and Redis under the data dir (and keeps the SECRET_KEY it made
there), and with `--mail` a catch-all SMTP server keeping its mail in `<data dir>/mail`; `planner db upgrade`
applies the migrations; `planner db backup/restore` run pg_dump/pg_restore, and a restore then makes every
cached read stale. The CLI names these through this module only, so which adapter serves them is decided
in one package, entrypoints/bootstrap.
"""

from adapters.embedded.data_dir import DataDirLock
from adapters.embedded.errors import EmbeddedServerError
from adapters.embedded.postgres import EmbeddedPostgres, running_database_url
from adapters.embedded.redis import EmbeddedRedis, running_redis_url
from adapters.embedded.secret_key import load_or_create_secret_key
from adapters.mail.catch_all import CatchAllSmtpServer
from adapters.postgres.backup import BackupError, dump, restore
from adapters.postgres.migrate import upgrade
from adapters.redis.cache import default_cache_url, forget_every_cached_read

__all__ = [
    "BackupError",
    "CatchAllSmtpServer",
    "DataDirLock",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "EmbeddedServerError",
    "default_cache_url",
    "dump",
    "forget_every_cached_read",
    "load_or_create_secret_key",
    "restore",
    "running_database_url",
    "running_redis_url",
    "upgrade",
]
