"""PostgreSQL adapters: engine, models, repositories, unit of work, migrations."""
