"""Create the PostgreSQL databases of the given URLs when they do not exist yet.

``scripts/cluster.sh`` runs this before anything else: the replicas share one
tracker database and the action servers one salon database, and a fresh machine
has neither. Each database is created through the server's ``postgres``
maintenance database (AUTOCOMMIT; the URL's user needs CREATEDB). Other
backends (SQLite) are left alone. An unreachable server stops the start with a
clear message instead of Rasa's silent in-memory fallback.

Usage: python scripts/ensure_databases.py URL [URL ...]
"""

from __future__ import annotations

import sys

import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

CONNECT_TIMEOUT_S = 5


def ensure_database(url: str) -> str | None:
    """Create the database of ``url`` if it is PostgreSQL and missing; return an error or None."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        return f"{url!r} is not a database URL"
    if not parsed.get_backend_name().startswith("postgres"):
        return None
    name = parsed.database
    safe = parsed.render_as_string(hide_password=True)
    if not name:
        return f"{safe} names no database"
    admin = sa.create_engine(
        parsed.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                quoted = name.replace('"', '""')
                connection.execute(sa.text(f'CREATE DATABASE "{quoted}"'))
                print(f"Created the database {safe}", file=sys.stderr)
    except sa.exc.ProgrammingError as error:
        if "already exists" not in str(error):  # created concurrently: fine
            return f"cannot create {safe} ({error.__class__.__name__})"
    except Exception as error:  # any driver error means: do not start
        return f"PostgreSQL for {safe} is unreachable ({error.__class__.__name__})"
    finally:
        admin.dispose()
    return None


def main(urls: list[str]) -> int:
    """Ensure every database; print what is wrong and return 1, or return 0."""
    problems = [problem for problem in map(ensure_database, urls) if problem]
    for problem in problems:
        print(f"error: {problem}. Not starting.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
