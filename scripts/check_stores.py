"""Fail fast when the configured tracker or lock store cannot be reached.

Rasa 3.6 does not stop when it cannot create the tracker store of endpoints.yml:
it logs one line and keeps conversations in memory, where the next restart loses
them. scripts/run.sh runs this check first, so a wrong ``TRACKER_DB_URL`` or a
PostgreSQL / Redis that is down stops the start with a clear message instead.

Usage: python scripts/check_stores.py   (reads the same variables as endpoints.yml)
"""

from __future__ import annotations

import os
import sys

import redis
import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

from salon import db

CONNECT_TIMEOUT_S = 5
#: LOCK_STORE_TYPE values that keep the locks in Redis (scripts/cluster.sh uses ours).
REDIS_LOCK_STORES = frozenset({"redis", "addons.server.lock_store.ScalpCareRedisLockStore"})


def check_tracker_store(url: str) -> str | None:
    """Return an error message when ``url`` cannot be connected to, else None."""
    try:
        parsed = make_url(url)
        safe = parsed.render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "TRACKER_DB_URL is not a database URL"
    args = {} if parsed.get_backend_name() == "sqlite" else {"connect_timeout": CONNECT_TIMEOUT_S}
    try:
        engine = db.make_engine(url, connect_args=args)
        try:
            with engine.connect():
                pass
        finally:
            engine.dispose()
    except Exception as error:  # any driver error means: do not start
        return f"the tracker store {safe} is unreachable ({error.__class__.__name__})"
    return None


def check_lock_store(env: dict[str, str]) -> str | None:
    """Return an error message when a Redis lock store is configured but down."""
    if env.get("LOCK_STORE_TYPE", "in_memory") not in REDIS_LOCK_STORES:
        return None
    host, port = env.get("REDIS_HOST", "127.0.0.1"), env.get("REDIS_PORT", "6379")
    try:
        client = redis.Redis(
            host=host,
            port=int(port),
            db=int(env.get("REDIS_DB", "1")),
            socket_connect_timeout=CONNECT_TIMEOUT_S,
        )
        client.ping()
        client.close()
    except (redis.RedisError, ValueError, OSError) as error:
        return f"the Redis lock store at {host}:{port} is unreachable ({error.__class__.__name__})"
    return None


def main() -> int:
    """Check both stores; print what is wrong and return 1, or return 0."""
    env = dict(os.environ)
    problems = [
        problem
        for problem in (
            check_tracker_store(env.get("TRACKER_DB_URL") or "sqlite:///var/tracker.db"),
            check_lock_store(env),
        )
        if problem
    ]
    for problem in problems:
        print(
            f"error: {problem}. Not starting: Rasa would silently keep conversations "
            "in memory only.",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
