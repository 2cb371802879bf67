"""How long conversations are kept, and the purge that keeps to it.

Every conversation (Rasa's tracker store: what was said, names and contacts typed into a
booking form) is deleted ``TRACKER_RETENTION_DAYS`` days (default 30) after its last
message, consent or not: the chat is kept so that it can go on, not for ever. Handoff
requests of clients who never agreed to a note (their transcript and reason) go after
the same time. What a client agreed to keep (the salon's note of the consultation, a
booking request) stays until they say "forget me" or the salon's own retention
(``python -m salon.staff purge --days N``).

The action server runs :func:`purge` at start-up and then every
``RETENTION_PURGE_HOURS`` hours (default 6; ``actions/server.py``), so nothing depends on
someone remembering to.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from salon import db, tracker
from salon.models import HandoffRequest, utcnow

logger = logging.getLogger(__name__)

ENV_VAR = "TRACKER_RETENTION_DAYS"
DEFAULT_DAYS = 30
INTERVAL_ENV_VAR = "RETENTION_PURGE_HOURS"
DEFAULT_INTERVAL_HOURS = 6.0


def retention_days() -> int:
    """``$TRACKER_RETENTION_DAYS`` when it is a whole number of at least 1, else 30."""
    try:
        value = int(os.environ.get(ENV_VAR, DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return value if value >= 1 else DEFAULT_DAYS


def interval_hours() -> float:
    """``$RETENTION_PURGE_HOURS`` when it is a positive number, else 6."""
    try:
        value = float(os.environ.get(INTERVAL_ENV_VAR, DEFAULT_INTERVAL_HOURS))
    except ValueError:
        return DEFAULT_INTERVAL_HOURS
    return value if value > 0 else DEFAULT_INTERVAL_HOURS


@dataclass(frozen=True)
class Purged:
    """What one purge deleted."""

    conversations: int
    events: int
    handoffs: int


def purge(
    tracker_db: Engine, salon_db: Engine, days: int | None = None, now: datetime | None = None
) -> Purged:
    """Delete conversations idle for ``days`` days and unconsented handoffs as old.

    Args:
        tracker_db: Rasa's tracker store (``salon.tracker.tracker_engine``).
        salon_db: The salon database.
        days: The retention period; ``retention_days()`` by default.
        now: The reference time (aware); now by default.

    Returns:
        The counts deleted.
    """
    days = retention_days() if days is None else days
    cutoff = (now or utcnow()) - timedelta(days=days)
    conversations, events = tracker.delete_conversations_idle_since(tracker_db, cutoff)
    with salon_db.begin() as connection:
        result = connection.execute(
            sa.delete(HandoffRequest).where(
                HandoffRequest.client_id.is_(None), HandoffRequest.created_at < cutoff
            )
        )
        handoffs = int(result.rowcount or 0)
    for engine in (tracker_db, salon_db):
        db.vacuum(engine)
    return Purged(conversations, events, handoffs)
