"""Stored events, deserialised once and kept per conversation (pure Rasa-event code).

:class:`addons.server.tracker_store.ScalpCareTrackerStore` keeps a
:class:`CachedConversation` per sender while the database still holds exactly its rows,
and reads the position of the latest erasure (:func:`last_erasure_index`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.utils.common import all_subclasses

from addons.server.incremental_states import StatesMemo

logger = logging.getLogger(__name__)

ERASE_ACTION = "action_forget_me"
"""The action whose execution erases the earlier events of a conversation."""


def last_erasure_index(events: Sequence[Event]) -> int | None:
    """Find the position of the last ``ActionExecuted`` of :data:`ERASE_ACTION`.

    Args:
        events: A tracker's events, oldest first.

    Returns:
        The index of the last erasure action, or None if there is none.
    """
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return index
    return None


@functools.cache
def _event_classes() -> dict[str, type[Event]]:
    """Map each event type name to its class, as ``Event.resolve_by_type`` picks it.

    ``resolve_by_type`` returns the first non-abstract subclass in
    ``all_subclasses(Event)`` order with a matching ``type_name``; the table
    keeps the first one per name, so both agree. Built once per process.
    """
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def deserialise_event(data: dict[str, Any]) -> Event | None:
    """Build one event from its dictionary, like ``Event.from_parameters``.

    Args:
        data: A serialised event (``event.as_dict()``).

    Returns:
        The event, or None when it cannot be built (as ``from_parameters``).
    """
    cls = _event_classes().get(data.get("event") or "")
    if cls is None:
        # Unknown or legacy names ("topic"), or event classes defined after
        # the table was built: Rasa's own lookup decides.
        return Event.from_parameters(data)
    return cls._from_parameters(data)


def deserialise_events(serialised: Iterable[dict[str, Any]]) -> list[Event]:
    """Build events from their dictionaries, like ``rasa.shared.core.events.deserialise_events``.

    Args:
        serialised: Serialised events, oldest first.

    Returns:
        The events that could be built, in order (others are logged and skipped).
    """
    events = []
    for data in serialised:
        if "event" not in data:
            continue
        event = deserialise_event(data)
        if event is None:
            logger.warning(f"Could not deserialise the event {data.get('event')!r}; skipped.")
        else:
            events.append(event)
    return events


@dataclass
class CachedRow:
    """One stored row of a sender: its id, timestamp and the event it holds."""

    id: int
    timestamp: float | None
    event: Event


@dataclass
class CachedConversation:
    """What the database holds for one sender, as this process last saw it.

    ``count``, ``last_id`` and ``last_timestamp`` describe all the sender's rows
    (every session); ``session`` holds the rows ``SQLTrackerStore`` would return
    for the latest session: those at or after the latest ``SessionStarted``
    timestamp, or every row when there is none.
    """

    count: int
    last_id: int | None
    last_timestamp: float | None
    session_start: float | None
    session: list[CachedRow] = field(default_factory=list)
    states: StatesMemo = field(default_factory=StatesMemo)

    def matches(self, fingerprint: tuple[int, int | None, float | None]) -> bool:
        """Whether the database's (count, last id, last timestamp) is what is cached."""
        return fingerprint == (self.count, self.last_id, self.last_timestamp)

    def append(self, rows: Sequence[CachedRow]) -> None:
        """Account for rows just inserted (ids increasing), applying the session rule."""
        if not rows:
            return
        self.count += len(rows)
        self.last_id = rows[-1].id
        self.last_timestamp = rows[-1].timestamp
        starts = [
            row.timestamp
            for row in rows
            if isinstance(row.event, SessionStarted) and row.timestamp is not None
        ]
        combined = [*self.session, *rows]
        if starts:
            known = [] if self.session_start is None else [self.session_start]
            self.session_start = max([*known, *starts])
        if self.session_start is not None:
            combined = [
                row
                for row in combined
                if row.timestamp is not None and row.timestamp >= self.session_start
            ]
        self.session = combined

    def events(self) -> list[Event]:
        """The latest session's events, oldest first."""
        return [row.event for row in self.session]
