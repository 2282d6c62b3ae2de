"""The servers the CLI starts or prepares, as the composition root chooses them.

`planner up` runs embedded PostgreSQL and Redis under the data dir (and keeps the SECRET_KEY it made
there), and with `--mail` a catch-all SMTP server keeping its mail in `<data dir>/mail`; `planner db upgrade`
applies the migrations. The CLI names these through this module only,
so which adapter serves them is decided in one package, entrypoints/bootstrap.
"""

from adapters.embedded.data_dir import DataDirLock
from adapters.embedded.errors import EmbeddedServerError
from adapters.embedded.postgres import EmbeddedPostgres, running_database_url
from adapters.embedded.redis import EmbeddedRedis
from adapters.embedded.secret_key import load_or_create_secret_key
from adapters.mail.catch_all import CatchAllSmtpServer
from adapters.postgres.migrate import upgrade

__all__ = [
    "CatchAllSmtpServer",
    "DataDirLock",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "EmbeddedServerError",
    "load_or_create_secret_key",
    "running_database_url",
    "upgrade",
]
