"""Alembic environment for the salon database.

The URL is, in order: a connection handed over in ``config.attributes["connection"]``,
a URL in ``config.attributes["url"]`` (set by :func:`salon.db.alembic_config`),
``$SALON_DB_URL``, then ``sqlite:///var/salon.db``. SQLite runs in batch mode
(``render_as_batch``) so that later ``ALTER TABLE`` migrations work there too.
"""

from __future__ import annotations

import sys
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from salon.db import database_url, make_engine  # noqa: E402
from salon.models import Base  # noqa: E402

config = context.config
# Only the `alembic` command line reads alembic.ini's logging; the programmatic
# upgrade() leaves the caller's logging alone.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    return str(config.attributes.get("url") or database_url())


def run_migrations_offline() -> None:
    """Emit the SQL of the migrations (``alembic upgrade head --sql``)."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename). With foreign keys on,
        # dropping it would delete every row that refers to it (ON DELETE CASCADE); the
        # pragma only takes effect outside a transaction, so before the migrations begin.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        if broken:
            raise RuntimeError(f"the migration left rows without their parent: {broken[:5]}")


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run_with(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
