"""Fresh SQLite and PostgreSQL databases for the tests that run on both.

PostgreSQL is the local server at 127.0.0.1:5432 (trust auth, database ``test``);
each test database is ``salon_test_<random>``, created through an AUTOCOMMIT
connection and dropped afterwards. PostgreSQL being unreachable is a failure.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create ``salon_test_<random>`` on the local server, yield its URL, drop it."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", future=True)
    name = f"salon_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "postgresql":
        with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{folder / f'salon-{uuid.uuid4().hex[:8]}.db'}"
