"""Rasa's Redis lock store, without the endless wait after a replica dies.

Rasa's ticket lock (``rasa.core.lock_store.LockStore.lock``) gives each message of a
conversation a ticket that expires after ``lock_lifetime`` (60 s,
``TICKET_LOCK_LIFETIME``) and lets the message through once its ticket is the first
one left. When the replica holding a conversation's lock is killed, the next message
of that conversation (on another replica) waits until the dead ticket expires, as
intended. But it drew its own ticket moments after the dead one, so both expire
almost together; when its once-a-second poll misses the short moment in between, its
own ticket is gone too, ``now_serving`` never equals it again, and Rasa 3.6 waits for
ever (until the client gives up). ``tests/cluster/test_cluster.py`` found it.

:class:`ScalpCareRedisLockStore` is ``RedisLockStore`` except for that case: a
message whose ticket expired while it waited draws a new one (at the end of the
queue) and waits again, and every ticket it drew is released afterwards. Use it
where several replicas share conversations::

    LOCK_STORE_TYPE=addons.lock_store.ScalpCareRedisLockStore
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


def holds_ticket(lock: TicketLock, ticket: int) -> bool:
    """Whether ``ticket`` is still queued (not expired, not released) in ``lock``."""
    lock.remove_expired_tickets()
    return any(queued.number == ticket for queued in lock.tickets)


class ScalpCareRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose waiting messages re-queue when their ticket expires."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Create the store from ``endpoints.yml`` (as ``type: redis``) or from keywords.

        Args:
            endpoint_config: The ``lock_store`` section; ``url`` is the Redis host,
                the other keys are ``RedisLockStore``'s (port, db, password, ...).
            **kwargs: ``RedisLockStore``'s arguments, when no section is given.
        """
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Hold the conversation's lock; wait for the tickets before ours.

        Args:
            conversation_id: The conversation.
            lock_lifetime: How long a ticket stays valid, in seconds.
            wait_time_in_seconds: How often to look again while waiting.

        Yields:
            The lock, once this message's ticket is the first one.
        """
        tickets = [self.issue_ticket(conversation_id, lock_lifetime)]
        try:
            yield await self._wait_for_turn(
                conversation_id, tickets, lock_lifetime, wait_time_in_seconds
            )
        finally:
            for ticket in tickets:
                self.cleanup(conversation_id, ticket)

    async def _wait_for_turn(
        self, conversation_id: str, tickets: list[int], lifetime: float, wait_s: float
    ) -> TicketLock:
        """Wait until the last ticket in ``tickets`` is served, drawing a new one if it expired."""
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None or not holds_ticket(lock, tickets[-1]):
                tickets.append(self.issue_ticket(conversation_id, lifetime))
                logger.warning(
                    f"The lock ticket of conversation '{conversation_id}' expired while "
                    f"it waited (its holder may have died); queued again."
                )
                continue
            if not lock.is_locked(tickets[-1]):
                return lock
            await asyncio.sleep(wait_s)
            self.update_lock(conversation_id)
