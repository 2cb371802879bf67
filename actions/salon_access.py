"""How the salon's actions reach the salon database, and the slots they share.

One engine per URL, created on first use, and one session per action run; repository
calls block, so they run in a worker thread. Used by :mod:`actions.salon_actions`
(consent, returning clients, check-ins, erasure, handoff) and :mod:`actions.booking`.
A handoff, a booking or an urgent referral also wakes the staff notification sender.
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


#: Wakes the action server's notification sender (actions/server.py sets it).
_wake_notifier: Callable[[], None] | None = None


def set_notifier(wake: Callable[[], None] | None) -> None:
    """Register what :func:`notify_staff_soon` calls (the action server's sender)."""
    global _wake_notifier
    _wake_notifier = wake


def notify_staff_soon() -> None:
    """Ask for the staff notifications just recorded to be sent now, not at the next poll."""
    if _wake_notifier is not None:
        _wake_notifier()


def channel_of(tracker: Tracker) -> str:
    """The conversation's input channel (``rest``, ``socketio``, ``cmdline``...)."""
    return tracker.get_latest_input_channel() or "unknown"
