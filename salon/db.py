"""Engines, sessions and migrations for the salon database.

The URL comes from ``SALON_DB_URL`` (default ``sqlite:///var/salon.db``, relative to the
working directory, as Rasa's own ``TRACKER_DB_URL`` default is). No engine is created at
import time: callers build one with :func:`engine_from_env` or :func:`make_engine` when
they start, and open one :func:`session_scope` per unit of work.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session

ENV_VAR = "SALON_DB_URL"
DEFAULT_URL = "sqlite:///var/salon.db"
#: The Alembic scripts, found from this file so that the working directory never matters.
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


def database_url(url: str | None = None) -> str:
    """Return ``url`` if given, else ``$SALON_DB_URL``, else the SQLite default.

    Args:
        url: An explicit SQLAlchemy URL, or None to read the environment.

    Returns:
        The SQLAlchemy URL to use.
    """
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, not left in free pages until VACUUM.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def private_sqlite_file(url: object) -> None:
    """Create a SQLite database file readable by its owner only (0600), or make it so.

    Conversations and contacts live in these files: nobody else on the machine may read
    them. Nothing happens for other databases or in-memory SQLite.

    Args:
        url: A SQLAlchemy URL (string or URL object).
    """
    parsed = make_url(str(url))
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


def harden_sqlite(engine: Engine) -> Engine:
    """A SQLite engine's file private (0600) and its deletions overwritten; others as is."""
    if engine.url.get_backend_name() == "sqlite":
        private_sqlite_file(engine.url)
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def vacuum(engine: Engine) -> None:
    """Rebuild a SQLite file so that erased rows leave no trace in it.

    PostgreSQL: nothing; its autovacuum reclaims the space.
    """
    if engine.url.get_backend_name() != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create a 2.0-style (``future=True``) engine for ``url``.

    For a SQLite file the parent folder is created, the file is private (0600),
    foreign keys are switched on (so ``ON DELETE CASCADE`` works as on PostgreSQL) and
    deleted rows are overwritten (``secure_delete``). Errors never show a statement's
    parameters (names, contacts). Other databases get
    ``pool_pre_ping`` so that a restarted server does not break the action server.

    Args:
        url: A SQLAlchemy URL, e.g. ``sqlite:///var/salon.db`` or
            ``postgresql://user:password@host:5432/salon``.
        **kwargs: Extra keyword arguments for :func:`sqlalchemy.create_engine`.

    Returns:
        A new engine; dispose of it when done.
    """
    parsed = make_url(url)
    # Errors name the statement, never its parameters (names, contacts, messages).
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        private_sqlite_file(parsed)
        return harden_sqlite(sa.create_engine(url, future=True, **kwargs))
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, future=True, **kwargs)


def engine_from_env() -> Engine:
    """Create the engine for ``$SALON_DB_URL`` (default ``sqlite:///var/salon.db``).

    Returns:
        A new engine; dispose of it when done.
    """
    return make_engine(database_url())


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open one session for one unit of work: commit on success, roll back on error.

    Objects stay readable after the block (``expire_on_commit=False``).

    Args:
        engine: The engine from :func:`make_engine` or :func:`engine_from_env`.

    Yields:
        A 2.0-style session.
    """
    session = Session(bind=engine, future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None) -> Any:
    """Build an Alembic ``Config`` for the repository's ``migrations/`` folder.

    The URL is handed to ``migrations/env.py`` through ``Config.attributes`` (not the
    ini file), so passwords with ``%`` in them need no escaping.

    Args:
        url: The database to migrate; None reads ``$SALON_DB_URL``.

    Returns:
        An ``alembic.config.Config``.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Run ``alembic upgrade`` (to ``head`` by default) on the salon database.

    Args:
        url: The database to migrate; None reads ``$SALON_DB_URL``.
        revision: The target revision.
    """
    from alembic import command

    url = database_url(url)
    make_engine(url).dispose()  # creates the folder of a SQLite file
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Run ``alembic downgrade`` (to ``base`` by default: drops every salon table).

    Args:
        url: The database to migrate; None reads ``$SALON_DB_URL``.
        revision: The target revision.
    """
    from alembic import command

    command.downgrade(alembic_config(database_url(url)), revision)
