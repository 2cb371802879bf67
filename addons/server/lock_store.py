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
queue) and waits again, and every ticket it drew is released afterwards.

It also changes the stored lock atomically. Rasa reads the lock from Redis, changes
it and writes it back (issuing a ticket, releasing one, dropping expired ones): two
replicas issuing a ticket for the same conversation at the same moment both read the
same lock, both issue the same number, and both go ahead, handling two messages of
one conversation at once, so that one message's events are lost
(``tests/cluster/test_cluster.py`` caught it with two messages sent at once). Here
every change is a Redis transaction on the lock's key (``WATCH``/``MULTI``), retried
when another replica changed the key in between.

Use it where several replicas share conversations::

    LOCK_STORE_TYPE=addons.server.lock_store.ScalpCareRedisLockStore
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from addons.server.session_ids import log_ref

logger = logging.getLogger(__name__)

T = TypeVar("T")


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

    # Atomic changes of the stored lock ---------------------------------------

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], tuple[TicketLock | None, T]],
    ) -> T:
        """Apply ``change`` to the conversation's stored lock in one Redis transaction.

        ``change`` gets the stored lock (None if there is none) and returns the lock to
        store (None: delete it) and a result. Run again from the start when another
        client changed the key in between.
        """
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    serialised = pipe.get(key)
                    stored = TicketLock.from_dict(json.loads(serialised)) if serialised else None
                    lock, result = change(stored)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket of the conversation's lock (created if needed)."""

        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop the lock's expired tickets."""

        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release a ticket; delete the lock when nobody else is waiting."""

        def release(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, release)

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
                    f"The lock ticket of conversation {log_ref(conversation_id)} expired while "
                    f"it waited (its holder may have died); queued again."
                )
                continue
            if not lock.is_locked(tickets[-1]):
                return lock
            await asyncio.sleep(wait_s)
            self.update_lock(conversation_id)
