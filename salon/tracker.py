"""Read and erase conversations in Rasa's SQL tracker store (the ``events`` table).

Rasa's ``SQLTrackerStore`` keeps one row per event: ``sender_id``, ``type_name``
(``user``, ``bot``, ``action``, ``slot``...), ``timestamp`` (seconds since the epoch)
and ``data`` (the event as JSON text). The staff tools only need those columns, so
they use a lightweight table definition instead of importing Rasa.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from salon.db import make_engine

ENV_VAR = "TRACKER_DB_URL"
DEFAULT_URL = "sqlite:///var/tracker.db"

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)


class TrackerStoreError(Exception):
    """The tracker store cannot be read (missing SQLite file, no ``events`` table)."""


@dataclass(frozen=True)
class TranscriptLine:
    """One message of a conversation."""

    timestamp: datetime | None
    speaker: str
    text: str


def tracker_url(url: str | None = None) -> str:
    """Return ``url`` if given, else ``$TRACKER_DB_URL``, else ``sqlite:///var/tracker.db``.

    Args:
        url: An explicit SQLAlchemy URL, or None to read the environment.

    Returns:
        The tracker store's URL.
    """
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def tracker_engine(url: str | None = None) -> Engine:
    """Open the tracker store without creating anything.

    Args:
        url: The tracker store's URL; None reads ``$TRACKER_DB_URL``.

    Returns:
        An engine on an existing database with an ``events`` table.

    Raises:
        TrackerStoreError: A SQLite file that does not exist, or no ``events`` table.
    """
    url = tracker_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database not in ("", ":memory:") and not Path(database).expanduser().exists():
            raise TrackerStoreError(f"no tracker store at {database} (set {ENV_VAR})")
    engine = make_engine(url)
    if not sa.inspect(engine).has_table("events"):
        engine.dispose()
        raise TrackerStoreError(
            f"{parsed.render_as_string(hide_password=True)} has no 'events' table"
        )
    return engine


def has_events(engine: Engine, sender_id: str) -> bool:
    """Tell whether the tracker store holds any event of ``sender_id``.

    Args:
        engine: From :func:`tracker_engine`.
        sender_id: Rasa's conversation id.

    Returns:
        True if at least one event exists.
    """
    statement = sa.select(EVENTS.c.id).where(EVENTS.c.sender_id == sender_id).limit(1)
    with engine.connect() as connection:
        return connection.execute(statement).first() is not None


def _message_text(data: dict[str, object]) -> str:
    text = data.get("text")
    if isinstance(text, str) and text.strip():
        return text
    extra = data.get("data")
    buttons = extra.get("buttons") if isinstance(extra, dict) else None
    if isinstance(buttons, list) and buttons:
        titles = [str(b.get("title", "")) for b in buttons if isinstance(b, dict)]
        return "[buttons: " + " | ".join(titles) + "]"
    return ""


def read_transcript(engine: Engine, sender_id: str) -> list[TranscriptLine]:
    """Return the user and bot messages of a conversation, in order.

    Args:
        engine: From :func:`tracker_engine`.
        sender_id: Rasa's conversation id.

    Returns:
        One line per ``user`` or ``bot`` event with text (or buttons), oldest first.
    """
    statement = (
        sa.select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(("user", "bot")))
        .order_by(EVENTS.c.timestamp, EVENTS.c.id)
    )
    lines = []
    with engine.connect() as connection:
        for type_name, timestamp, raw in connection.execute(statement):
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {}
            text = _message_text(data if isinstance(data, dict) else {})
            if not text:
                continue
            when = (
                datetime.fromtimestamp(float(timestamp), tz=timezone.utc)
                if timestamp is not None
                else None
            )
            lines.append(TranscriptLine(timestamp=when, speaker=type_name, text=text))
    return lines


def delete_events(engine: Engine, sender_id: str) -> int:
    """Delete every event of ``sender_id`` from the tracker store.

    Args:
        engine: From :func:`tracker_engine`.
        sender_id: Rasa's conversation id.

    Returns:
        The number of events deleted.
    """
    with engine.begin() as connection:
        result = connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
        return int(result.rowcount or 0)


@dataclass(frozen=True)
class ConversationSummary:
    """A conversation in the tracker store: its id and when it was last active."""

    sender_id: str
    last_active: datetime | None
    events: int


def list_conversations(
    engine: Engine,
    sender_contains: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[ConversationSummary]:
    """Conversations last active in ``[since, until)`` whose id contains a text, newest first.

    Args:
        engine: From :func:`tracker_engine`.
        sender_contains: Part of the conversation id (``web:``, a phone number...).
        since: Inclusive lower bound of the last activity (aware), or None.
        until: Exclusive upper bound (aware), or None.
        limit: At most this many.
    """
    last = sa.func.max(EVENTS.c.timestamp)
    statement = sa.select(EVENTS.c.sender_id, last, sa.func.count(EVENTS.c.id)).group_by(
        EVENTS.c.sender_id
    )
    if sender_contains:
        escaped = sender_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(EVENTS.c.sender_id.like(f"%{escaped}%", escape="\\"))
    if since is not None:
        statement = statement.having(last >= since.timestamp())
    if until is not None:
        statement = statement.having(last < until.timestamp())
    statement = statement.order_by(last.desc()).limit(limit)
    with engine.connect() as connection:
        return [
            ConversationSummary(
                sender,
                datetime.fromtimestamp(stamp, tz=timezone.utc) if stamp is not None else None,
                int(count),
            )
            for sender, stamp, count in connection.execute(statement)
        ]


def delete_conversations_idle_since(engine: Engine, cutoff: datetime) -> tuple[int, int]:
    """Delete whole conversations whose latest event is older than ``cutoff``.

    Whole conversations only: removing the old part of a live conversation would
    leave Rasa with a tracker that has lost its session start.

    Args:
        engine: From :func:`tracker_engine`.
        cutoff: An aware datetime.

    Returns:
        ``(conversations, events)`` deleted.
    """
    limit = cutoff.timestamp()
    idle = (
        sa.select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < limit)
    )
    with engine.begin() as connection:
        senders = list(connection.execute(idle).scalars())
        if not senders:
            return 0, 0
        deleted = 0
        for start in range(0, len(senders), 500):
            chunk = senders[start : start + 500]
            result = connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
            deleted += int(result.rowcount or 0)
        return len(senders), deleted
