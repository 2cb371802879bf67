"""Rasa's SQL tracker store, extended with the "forget me" erasure.

The action server cannot erase a conversation from the tracker store itself:
right after ``action_forget_me`` runs, Rasa saves the in-memory tracker, and
:class:`~rasa.core.tracker_store.SQLTrackerStore` (which appends every event
beyond the number of rows it already holds for the sender) would re-insert the
whole conversation. :class:`ScalpCareTrackerStore` performs the erasure where
it can work: in ``save``.

Erasure contract:

* When the events being saved include an ``ActionExecuted`` of
  :data:`ERASE_ACTION`, every stored row of that sender is deleted and only the
  events from the **last** such ``ActionExecuted`` onward are stored (so the
  confirmation the bot sends after erasing stays, nothing before it). The
  delete and the inserts run in one transaction.
* Later saves (the retrieved tracker then starts with that ``ActionExecuted``)
  append only the new events, as the normal store does. An in-memory tracker
  that still holds the pre-erasure events can be saved again without
  duplicates or re-insertion of erased events.
* Trackers without :data:`ERASE_ACTION` are saved by the inherited
  ``SQLTrackerStore.save``; retrieval, ``keys`` and the constructor (including
  a full SQLAlchemy URL in the endpoints' ``url``) are inherited unchanged.

Per-message cost (measured with ``make bench``): stock ``SQLTrackerStore``
re-reads and re-deserialises every event of the current session on each
message, and Rasa's ``Event.from_parameters`` walks every ``Event`` subclass for
each event, so a message at turn 150 cost several times one at turn 10. This
store therefore

* deserialises events through a type-name table built once
  (:func:`deserialise_events`; same classes, same results), and
* keeps, per process, the events it last stored or read for each sender
  (:class:`CachedConversation`, at most :attr:`ScalpCareTrackerStore.cache_size`
  senders, least recently used dropped first). ``retrieve`` uses them only if
  the database still holds exactly those rows (same count, same last id and
  timestamp: one small query), so another Rasa replica, the staff tools or
  "forget me" are seen at once; otherwise it reads the database as
  ``SQLTrackerStore`` does. ``save`` appends the same rows ``SQLTrackerStore``
  would (only the events beyond those stored) and falls back to it whenever
  the database changed underneath. The tracker is rebuilt from the session's
  events exactly as ``SQLTrackerStore`` does; nothing is truncated, so forms,
  slots and the triage policy see the whole current session.
* returns an :class:`~addons.server.incremental_states.IncrementalStatesTracker`
  whose dialogue states (what every policy prediction asks for) are computed
  once per event and kept with the cached conversation, instead of replayed
  from the first event for every prediction.

Use it in ``endpoints.yml``::

    tracker_store:
      type: addons.server.tracker_store.ScalpCareTrackerStore
      url: ${TRACKER_DB_URL}
"""

from __future__ import annotations

import functools
import json
import logging
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from addons.server import faults
from addons.server.event_cache import (
    ERASE_ACTION,
    CachedConversation,
    CachedRow,
    deserialise_events,
    last_erasure_index,
)
from addons.server.incremental_states import IncrementalStatesTracker
from addons.server.session_ids import log_ref
from salon import db as salon_db

logger = logging.getLogger(__name__)


#: Seconds PostgreSQL gets to accept a connection (unless the URL sets
#: ``connect_timeout``): an unreachable server must not hold a message for minutes.
CONNECT_TIMEOUT_S = 5


def engine_options(url: sa.engine.URL) -> dict[str, Any] | None:
    """The ``create_engine`` options for a database server, or None for SQLite (pure).

    Rasa's own options (pool size, PostgreSQL schema) plus ``pool_pre_ping``:
    each pooled connection is tested before use and replaced if the server was
    restarted, so the first message after a PostgreSQL restart does not fail.

    Args:
        url: The tracker store's database URL.

    Returns:
        The keyword arguments, or None when the engine Rasa made is kept (SQLite).
    """
    if url.get_backend_name() == "sqlite":
        return None
    options = {**create_engine_kwargs(url), "pool_pre_ping": True}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        options["connect_args"] = {
            **options.get("connect_args", {}),
            "connect_timeout": CONNECT_TIMEOUT_S,
        }
    return options


#: The store this process serves conversations from (the widget channel asks it whether a
#: conversation still exists: an erased one gets a new id, and the widget its history cleared).
_active: weakref.ReferenceType[ScalpCareTrackerStore] | None = None


def active_store() -> ScalpCareTrackerStore | None:
    """The tracker store this Rasa process created last, or None (another store, or none)."""
    return _active() if _active is not None else None


class ScalpCareTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that honours "forget me" and keeps per-message cost flat.

    The constructor is ``SQLTrackerStore``'s, so ``endpoints.yml`` configures it
    exactly like ``type: SQL`` (``url`` is passed as ``host``; a value containing
    ``://`` is used as the complete SQLAlchemy URL).

    Database failures are never silent (``addons/server/faults.py``): each is logged at
    ERROR, and during a channel message it stops the turn with
    :class:`~addons.server.faults.TrackerStoreFailed` (which Rasa's in-memory fallback
    cannot catch) so that the user is asked to send the message again. Pooled
    connections are checked before use (:func:`engine_options`), so a restarted
    PostgreSQL is reconnected to without an error.
    """

    #: How many conversations' events are kept in memory (least recently used
    #: dropped first).
    cache_size = 500

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the store as ``SQLTrackerStore`` does, with an empty cache."""
        super().__init__(*args, **kwargs)
        self._cache: OrderedDict[str, CachedConversation] = OrderedDict()
        options = engine_options(self.engine.url)
        if options is not None:
            rasa_engine = self.engine
            self.engine = sa.create_engine(rasa_engine.url, **options)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
            rasa_engine.dispose()
        else:
            # SQLite: the file readable by its owner only, deleted rows overwritten; the
            # connections Rasa opened are closed so that every new one has the setting.
            salon_db.harden_sqlite(self.engine)
            self.engine.dispose()
        # Errors name the statement but not its parameters (conversation ids, messages):
        # Rasa logs them when it falls back to memory.
        self.engine.hide_parameters = True
        global _active
        _active = weakref.ref(self)

    def has_events(self, sender_id: str) -> bool:
        """Tell whether anything is stored for ``sender_id`` (blocking; one indexed query)."""
        with self._failures_reported("checking", sender_id), self.session_scope() as session:
            first = (
                session.query(self.SQLEvent.id).filter(self.SQLEvent.sender_id == sender_id).first()
            )
            return first is not None

    @contextmanager
    def _failures_reported(self, what: str, sender_id: str | None = None) -> Iterator[None]:
        """Turn a database error into a logged, turn-stopping failure (``addons/server/faults.py``).

        Args:
            what: The operation, for the log.
            sender_id: The conversation, whose cache entry is dropped on failure.
        """
        try:
            yield
        except Exception as error:
            if sender_id is not None:
                self.forget_cached(sender_id)
            where = f"{what} conversation {log_ref(sender_id)}" if sender_id is not None else what
            raise faults.store_failure(error, where) from error

    async def keys(self) -> Iterable[str]:
        """The stored conversation ids, as ``SQLTrackerStore`` returns them."""
        with self._failures_reported("listing the conversations"):
            return await super().keys()

    # ------------------------------------------------------------------ cache
    def _fingerprint(self, session: Any, sender_id: str) -> tuple[int, int | None, float | None]:
        """(row count, last id, last timestamp) of the sender's stored rows, in one query.

        Asked twice a message (retrieve and save). One statement built once
        (:attr:`_fingerprint_statement`) instead of two ORM queries: 0.035 ms of CPU a
        call instead of 0.34 ms on SQLite (2026-12-07, 200 conversations of 60 events).
        """
        count, last_id, last_timestamp = session.execute(
            self._fingerprint_statement, {"sender": sender_id}
        ).one()
        if last_id is None:
            return int(count or 0), None, None
        return int(count or 0), int(last_id), last_timestamp

    @functools.cached_property
    def _fingerprint_statement(self) -> sa.sql.Select:
        """``SELECT count(id), max(id), (the max id's timestamp) WHERE sender_id = :sender``."""
        events = self.SQLEvent.__table__
        mine = events.c.sender_id == sa.bindparam("sender")
        last_timestamp = (
            sa.select(events.c.timestamp)
            .where(mine)
            .order_by(events.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        counted = (sa.func.count(events.c.id), sa.func.max(events.c.id), last_timestamp)
        return sa.select(*counted).where(mine)

    def _cached(self, session: Any, sender_id: str) -> CachedConversation | None:
        """The sender's cache entry if the database still holds exactly those rows."""
        entry = self._cache.get(sender_id)
        if entry is None:
            return None
        if entry.matches(self._fingerprint(session, sender_id)):
            self._cache.move_to_end(sender_id)
            return entry
        del self._cache[sender_id]
        return None

    def _remember(self, sender_id: str, entry: CachedConversation) -> None:
        self._cache[sender_id] = entry
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def forget_cached(self, sender_id: str | None = None) -> None:
        """Drop one sender's cache entry, or all of them.

        Args:
            sender_id: The conversation, or None for every conversation.
        """
        if sender_id is None:
            self._cache.clear()
        else:
            self._cache.pop(sender_id, None)

    def _load(self, session: Any, sender_id: str) -> CachedConversation | None:
        """Read the sender's latest session from the database and cache it."""
        fingerprint = self._fingerprint(session, sender_id)
        if fingerprint[0] == 0:
            self._cache.pop(sender_id, None)
            return None
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        session_start = (
            session.query(sa.func.max(self.SQLEvent.timestamp))
            .filter(
                self.SQLEvent.sender_id == sender_id,
                self.SQLEvent.type_name == SessionStarted.type_name,
            )
            .scalar()
        )
        cached_rows = []
        for row in rows:
            events = deserialise_events([json.loads(row.data)])
            if events:
                cached_rows.append(CachedRow(row.id, row.timestamp, events[0]))
        entry = CachedConversation(*fingerprint, session_start, cached_rows)
        if len(cached_rows) == len(rows):
            self._remember(sender_id, entry)
        else:
            # Undeserialisable rows: the row count would not match the events,
            # so this sender is served from the database only.
            self._cache.pop(sender_id, None)
        return entry

    # -------------------------------------------------------------- retrieve
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Return the tracker of the sender's latest session, as ``SQLTrackerStore`` does.

        Args:
            sender_id: The conversation id.

        Returns:
            The tracker, or None if nothing is stored for the sender.
        """
        with self._failures_reported("reading", sender_id), self.session_scope() as session:
            entry = self._cached(session, sender_id) or self._load(session, sender_id)
        if entry is None or not entry.session or not self.domain:
            return None
        tracker = IncrementalStatesTracker.from_events(sender_id, entry.events(), self.domain.slots)
        tracker.states_memo = entry.states
        return tracker

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """``SQLTrackerStore._retrieve`` with the faster deserialisation (used for full trackers).

        Args:
            sender_id: The conversation id.
            fetch_events_from_all_sessions: All sessions, or only the latest one.

        Returns:
            The tracker, or None if nothing is stored for the sender.
        """
        with self._failures_reported("reading", sender_id), self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = deserialise_events(json.loads(row.data) for row in rows)
        if self.domain and events:
            return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, erasing the sender's history if asked to.

        Args:
            tracker: The conversation to store.
        """
        with self._failures_reported("saving", tracker.sender_id):
            await self._save(tracker)
        faults.note_stored()

    async def _save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        start = last_erasure_index(events)
        if start is None:
            await self._append(tracker, events)
            return

        sender_id = tracker.sender_id
        self.forget_cached(sender_id)
        kept = events[start:]
        erased = False
        with self.session_scope() as session:
            rows = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id)
            if self._erasure_applied(session, sender_id, kept[0]):
                # The stored rows are already the conversation from this erasure on.
                new_events = kept[rows.count() :]
            else:
                deleted = rows.delete(synchronize_session=False)
                logger.info(
                    f"Erased {deleted} stored events of conversation {log_ref(sender_id)} "
                    f"('{ERASE_ACTION}'); keeping {len(kept)} events."
                )
                erased = True
                new_events = kept
            for event in new_events:
                session.add(self._event_row(sender_id, event))
            session.commit()
        if erased:
            # A SQLite file keeps no trace of the erased rows (PostgreSQL: autovacuum).
            salon_db.vacuum(self.engine)

        # Only what was stored is published: the erased events are not streamed.
        if self.event_broker is not None and new_events:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        logger.debug(f"Tracker with sender_id '{sender_id}' stored to database")

    async def _append(self, tracker: DialogueStateTracker, events: list[Event]) -> None:
        """Store the events beyond those already stored, as ``SQLTrackerStore.save`` does.

        With a cache entry that still matches the database, the stored session
        length is known without a query and the new rows are added to the entry;
        otherwise ``SQLTrackerStore.save`` runs and the entry is dropped.

        Args:
            tracker: The conversation to store.
            events: Its events.
        """
        sender_id = tracker.sender_id
        await self.stream_events(tracker)
        with self.session_scope() as session:
            entry = self._cached(session, sender_id)
            if entry is None:
                stored = self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=False
                ).count()
            else:
                stored = len(entry.session)
            new_events = events[stored:]
            rows = [self._event_row(sender_id, event) for event in new_events]
            session.add_all(rows)
            session.flush()  # assigns the ids
            added = [
                CachedRow(row.id, row.timestamp, event)
                for row, event in zip(rows, new_events, strict=True)
            ]
            session.commit()
        if entry is not None:
            entry.append(added)
        logger.debug(f"Tracker with sender_id '{sender_id}' stored to database")

    def _erasure_applied(self, session: Any, sender_id: str, erase_event: Event) -> bool:
        """Tell whether the sender's stored rows already start with ``erase_event``.

        Args:
            session: The open database session.
            sender_id: The conversation id.
            erase_event: The ``ActionExecuted`` of :data:`ERASE_ACTION` being saved.

        Returns:
            True if the oldest stored row of the sender is that very event.
        """
        first = (
            session.query(self.SQLEvent)
            .filter(self.SQLEvent.sender_id == sender_id)
            .order_by(self.SQLEvent.id)
            .first()
        )
        if first is None or first.action_name != ERASE_ACTION:
            return False
        stored = json.loads(first.data)
        return bool(
            stored.get("event") == ActionExecuted.type_name
            and stored.get("timestamp") == erase_event.timestamp
        )

    def _event_row(self, sender_id: str, event: Event) -> Any:
        """Build the ``events`` row of one event, as ``SQLTrackerStore.save`` does.

        Args:
            sender_id: The conversation id.
            event: The event to store.

        Returns:
            An unsaved ``SQLEvent``.
        """
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
