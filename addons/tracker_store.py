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

Use it in ``endpoints.yml``::

    tracker_store:
      type: addons.tracker_store.ScalpCareTrackerStore
      url: ${TRACKER_DB_URL}
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

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


class ScalpCareTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that honours "forget me" by erasing the stored events.

    The constructor is ``SQLTrackerStore``'s, so ``endpoints.yml`` configures it
    exactly like ``type: SQL`` (``url`` is passed as ``host``; a value containing
    ``://`` is used as the complete SQLAlchemy URL).
    """

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, erasing the sender's history if asked to.

        Args:
            tracker: The conversation to store.
        """
        events = list(tracker.events)
        start = last_erasure_index(events)
        if start is None:
            await super().save(tracker)
            return

        sender_id = tracker.sender_id
        kept = events[start:]
        with self.session_scope() as session:
            rows = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id)
            if self._erasure_applied(session, sender_id, kept[0]):
                # The stored rows are already the conversation from this erasure on.
                new_events = kept[rows.count() :]
            else:
                deleted = rows.delete(synchronize_session=False)
                logger.info(
                    f"Erased {deleted} stored events of sender '{sender_id}' "
                    f"('{ERASE_ACTION}'); keeping {len(kept)} events."
                )
                new_events = kept
            for event in new_events:
                session.add(self._event_row(sender_id, event))
            session.commit()

        # Only what was stored is published: the erased events are not streamed.
        if self.event_broker is not None and new_events:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
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
