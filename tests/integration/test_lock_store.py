"""addons.lock_store: a message behind a dead replica's lock goes through (Redis, 127.0.0.1)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config

from addons.lock_store import ScalpCareRedisLockStore

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
    monkeypatch.setenv("LOCK_STORE_TYPE", "addons.lock_store.ScalpCareRedisLockStore")
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", "6379")
    monkeypatch.setenv("REDIS_DB", "1")
    store = LockStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))
    assert isinstance(store, ScalpCareRedisLockStore)
    assert store.red.ping()
