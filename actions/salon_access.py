"""How the salon's actions reach the salon database, and the slots they share.

One engine per URL, created on first use, and one session per action run; repository
calls block, so they run in a worker thread. Used by :mod:`actions.salon_actions`
(consent, returning clients, check-ins, erasure, handoff) and :mod:`actions.booking`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from rasa_sdk import Tracker
from sqlalchemy.engine import Engine

from salon import db
from salon.repository import SalonRepository

T = TypeVar("T")

#: Slots the consent and booking actions share (domain.yml).
CONSENT_OFFERED = "consent_offered"
CONSENT_GIVEN = "consent_given"
BOOKING_SERVICE = "booking_service"
BOOKING_TIMES = "booking_times"
BOOKING_NAME = "booking_name"
BOOKING_CONTACT = "booking_contact"
BOOKING_SLOTS = (BOOKING_SERVICE, BOOKING_TIMES, BOOKING_NAME, BOOKING_CONTACT)


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return db.make_engine(url)


def engine() -> Engine:
    """The salon database engine for ``$SALON_DB_URL``, created on first use."""
    return _engine(db.database_url())


async def with_repository(work: Callable[[SalonRepository], T]) -> T:
    """Run ``work`` with a repository in one session, in a worker thread."""

    def run() -> T:
        with db.session_scope(engine()) as session:
            return work(SalonRepository(session))

    return await asyncio.to_thread(run)


def channel_of(tracker: Tracker) -> str:
    """The conversation's input channel (``rest``, ``socketio``, ``cmdline``...)."""
    return tracker.get_latest_input_channel() or "unknown"
