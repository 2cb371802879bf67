"""addons.server.lock_store: a message behind a dead replica's lock goes through.

On the Redis server at 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config

from addons.server.lock_store import ScalpCareRedisLockStore

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]
#: Ticket lifetime and polling interval: no poll lands in the millisecond between
#: the dead ticket's expiry and the waiting one's.
LIFETIME_S, POLL_S = 1.0, 0.7


def _store(cls: type[RedisLockStore]) -> RedisLockStore:
    return cls(host=os.environ.get("REDIS_HOST", "127.0.0.1"), db=1)


async def _behind_a_dead_holder(store: RedisLockStore, timeout_s: float) -> bool:
    """Issue a ticket nobody releases (its replica died), then lock; True if we got the lock."""
    conversation_id = f"lock-dead-{uuid.uuid4().hex}"
    store.issue_ticket(conversation_id, LIFETIME_S)
    try:

        async def take() -> None:
            async with store.lock(
                conversation_id, lock_lifetime=LIFETIME_S, wait_time_in_seconds=POLL_S
            ):
                pass

        await asyncio.wait_for(take(), timeout_s)
        return True
    except asyncio.TimeoutError:
        return False
    finally:
        store.delete_lock(conversation_id)


def test_rasa_redis_lock_store_waits_for_ever_behind_a_dead_holder() -> None:
    """Why the class exists: Rasa 3.6's own store never lets the message through."""
    assert not asyncio.run(_behind_a_dead_holder(_store(RedisLockStore), 5 * LIFETIME_S))


def test_a_message_behind_a_dead_holder_gets_the_lock() -> None:
    store = _store(ScalpCareRedisLockStore)
    assert asyncio.run(_behind_a_dead_holder(store, 5 * LIFETIME_S))


def test_the_lock_still_serialises_and_is_released() -> None:
    store = _store(ScalpCareRedisLockStore)
    conversation_id = f"lock-order-{uuid.uuid4().hex}"

    async def both() -> list[str]:
        order: list[str] = []

        async def turn(name: str) -> None:
            async with store.lock(conversation_id, lock_lifetime=5, wait_time_in_seconds=0.05):
                order.append(f"{name}-start")
                await asyncio.sleep(0.2)
                order.append(f"{name}-end")

        await asyncio.gather(turn("a"), turn("b"))
        return order

    order = asyncio.run(both())
    assert order in (
        ["a-start", "a-end", "b-start", "b-end"],
        ["b-start", "b-end", "a-start", "a-end"],
    )
    assert store.get_lock(conversation_id) is None


def test_endpoints_yml_builds_it_from_lock_store_type(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCK_STORE_TYPE", "addons.server.lock_store.ScalpCareRedisLockStore")
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", "6379")
    monkeypatch.setenv("REDIS_DB", "1")
    store = LockStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))
    assert isinstance(store, ScalpCareRedisLockStore)
    assert store.red.ping()


def _tickets_issued_at_once(cls: type[RedisLockStore], replicas: int, each: int) -> list[int]:
    """Tickets for one conversation issued by ``replicas`` stores (own connections) at once."""
    import threading

    conversation_id = f"lock-race-{uuid.uuid4().hex}"
    stores = [_store(cls) for _ in range(replicas)]
    start = threading.Barrier(replicas)
    issued: list[int] = []

    def replica(store: RedisLockStore) -> None:
        start.wait()
        for _ in range(each):
            issued.append(store.issue_ticket(conversation_id, 60))

    threads = [threading.Thread(target=replica, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stores[0].delete_lock(conversation_id)
    return issued


def test_replicas_issuing_tickets_at_once_never_share_one() -> None:
    # Rasa's RedisLockStore reads, changes and writes the lock: two replicas can both
    # issue the same number and handle two messages of a conversation at once (with
    # these numbers it hands out duplicates nearly every time).
    issued = _tickets_issued_at_once(ScalpCareRedisLockStore, replicas=4, each=50)
    assert len(issued) == 200
    assert sorted(issued) == list(range(200))


def test_a_released_ticket_is_gone_and_the_last_release_deletes_the_lock() -> None:
    store = _store(ScalpCareRedisLockStore)
    conversation_id = f"lock-release-{uuid.uuid4().hex}"
    first, second = store.issue_ticket(conversation_id), store.issue_ticket(conversation_id)
    assert (first, second) == (0, 1)
    store.cleanup(conversation_id, first)
    lock = store.get_lock(conversation_id)
    assert lock is not None and not lock.is_locked(second)
    store.update_lock(conversation_id)  # nothing expired: unchanged
    assert [t.number for t in store.get_lock(conversation_id).tickets] == [second]
    store.cleanup(conversation_id, second)
    assert store.get_lock(conversation_id) is None
    store.update_lock(conversation_id)  # no lock: creates none
    assert store.get_lock(conversation_id) is None
