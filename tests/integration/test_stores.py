"""The stores in endpoints.yml: SQLite by default, PostgreSQL and Redis from the environment.

These tests read the project's real ``endpoints.yml`` with the environment a
deployment would set, build Rasa's own stores from it, save a conversation and
reload it through a second store instance (as a restarted server would).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _store_from_endpoints(domain: Domain) -> TrackerStore:
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    return TrackerStore.create(config, domain)


def _conversation(sender_id: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, slots=[])
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("hi there", intent={"name": "greet", "confidence": 0.98}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        UserUttered("my scalp is itchy", intent={"name": "nlu_fallback", "confidence": 0.4}),
        SlotSet("referral", "none"),
    ]:
        tracker.update(event)
    return tracker


def _save_and_reload(domain: Domain) -> None:
    sender_id = f"store-test-{uuid.uuid4().hex}"
    original = _conversation(sender_id)
    writer = _store_from_endpoints(domain)
    assert isinstance(writer, SQLTrackerStore)
    asyncio.run(writer.save(original))
    writer.engine.dispose()

    # A second store instance, as after a restart of Rasa.
    reader = _store_from_endpoints(domain)
    reloaded = asyncio.run(reader.retrieve(sender_id))
    assert reloaded is not None
    assert [e.as_dict() for e in reloaded.events] == [e.as_dict() for e in original.events]
    assert reloaded.get_slot("referral") == "none"
    assert sender_id in asyncio.run(reader.keys())
    with reader.engine.begin() as connection:
        connection.execute(
            sa.text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id}
        )
    reader.engine.dispose()


def test_sqlite_tracker_store_saves_and_reloads(
    rasa_domain: Domain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "tracker.db"
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{database}")
    _save_and_reload(rasa_domain)
    assert database.exists()


@pytest.fixture
def postgres_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:  # pragma: no cover - depends on the machine
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    finally:
        engine.dispose()
    monkeypatch.setenv("TRACKER_DB_URL", POSTGRES_URL)
    yield


@pytest.mark.services
def test_postgres_tracker_store_saves_and_reloads(rasa_domain: Domain, postgres_env: None) -> None:
    _save_and_reload(rasa_domain)


def _lock_store() -> LockStore:
    return LockStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))


def test_default_lock_store_is_in_memory() -> None:
    assert isinstance(_lock_store(), InMemoryLockStore)


@pytest.mark.services
def test_redis_lock_store_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCK_STORE_TYPE", "redis")
    store = _lock_store()
    assert isinstance(store, RedisLockStore)
    store.red.ping()

    conversation_id = f"lock-test-{uuid.uuid4().hex}"

    held: list[str] = []

    async def locked_twice() -> list[str]:
        order: list[str] = []

        async def turn(name: str) -> None:
            async with store.lock(conversation_id, lock_lifetime=5, wait_time_in_seconds=0.05):
                order.append(f"{name}-start")
                held.extend(k.decode() for k in store.red.keys(f"scalpcare:*{conversation_id}*"))
                await asyncio.sleep(0.2)
                order.append(f"{name}-end")

        await asyncio.gather(turn("a"), turn("b"))
        return order

    order = asyncio.run(locked_twice())
    # The lock serialises the two turns: no interleaving.
    assert order in (
        ["a-start", "a-end", "b-start", "b-end"],
        ["b-start", "b-end", "a-start", "a-end"],
    )
    assert (
        store.get_lock(conversation_id) is None
        or store.get_lock(conversation_id).is_locked() is False
    )
    # The lock lived under the project's prefix while held, and is gone after.
    assert held and all(k.startswith("scalpcare:lock:") for k in held)
    assert store.red.keys(f"*{conversation_id}*") == []
