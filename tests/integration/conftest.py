"""A migrated salon database on SQLite and on PostgreSQL, emptied after each test.

Used by the salon database, notification, check-in and console tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from salon import db
from salon.models import Base
from tests.databases import BACKENDS, fresh_database


@pytest.fixture(scope="module", params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    with fresh_database(request.param, tmp_path_factory.mktemp("salon")) as url:
        db.upgrade(url)
        yield url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = db.make_engine(migrated_url)
    yield engine
    with db.session_scope(engine) as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(sa.delete(table))
    engine.dispose()
