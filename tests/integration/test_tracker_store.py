"""``addons.server.tracker_store.ScalpCareTrackerStore`` on real SQLite and PostgreSQL databases.

The store is built the way Rasa builds it: from an endpoints file with
``type: addons.server.tracker_store.ScalpCareTrackerStore`` and ``url: ${TRACKER_DB_URL}``,
through ``TrackerStore.create``. Every test uses its own sender ids and deletes
its rows afterwards, so the PostgreSQL database can be shared.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from addons.server.tracker_store import ERASE_ACTION, ScalpCareTrackerStore, last_erasure_index

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

ENDPOINTS = """\
tracker_store:
  type: {type}
  url: ${{TRACKER_DB_URL}}
"""
CUSTOM_TYPE = "addons.server.tracker_store.ScalpCareTrackerStore"

# Personal details that must not survive "forget me".
SECRETS = ("Alice Example", "alice@example.com", "psoriasis since 2019", "Hi Alice")


class CollectingBroker(EventBroker):
    """An event broker that keeps what it is asked to publish."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


@functools.cache
def _domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return _domain()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = POSTGRES_URL
        engine = sa.create_engine(url)
        try:
            with engine.connect():
                pass
        except sa.exc.OperationalError as error:
            pytest.fail(f"PostgreSQL is not reachable at {url}: {error}")
        finally:
            engine.dispose()
    monkeypatch.setenv("TRACKER_DB_URL", url)
    return url


@pytest.fixture
def prefix() -> str:
    return f"forget-test-{uuid.uuid4().hex}"


def _create(
    tmp_path: Path,
    domain: Domain,
    store_type: str = CUSTOM_TYPE,
    event_broker: EventBroker | None = None,
) -> TrackerStore:
    endpoints = tmp_path / f"endpoints-{uuid.uuid4().hex}.yml"
    endpoints.write_text(ENDPOINTS.format(type=store_type), encoding="utf-8")
    config = read_endpoint_config(str(endpoints), "tracker_store")
    return TrackerStore.create(config, domain, event_broker)


@pytest.fixture
def stores(
    db_url: str, rasa_domain: Domain, tmp_path: Path, prefix: str
) -> Iterator[list[SQLTrackerStore]]:
    """Every store a test builds with ``_open``; its rows are deleted afterwards."""
    created: list[SQLTrackerStore] = []
    yield created
    cleanup = sa.create_engine(db_url)
    try:
        with cleanup.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM events WHERE sender_id LIKE :prefix"),
                {"prefix": f"{prefix}%"},
            )
    finally:
        cleanup.dispose()
        for store in created:
            store.engine.dispose()


@pytest.fixture
def open_store(stores: list[SQLTrackerStore], rasa_domain: Domain, tmp_path: Path) -> Any:
    """Build a new store instance from the endpoints file (as a (re)started Rasa does)."""

    def _open(event_broker: EventBroker | None = None) -> ScalpCareTrackerStore:
        store = _create(tmp_path, rasa_domain, event_broker=event_broker)
        assert type(store) is ScalpCareTrackerStore  # no in-memory fallback, no wrapper
        stores.append(store)
        return store

    return _open


def _tracker(sender_id: str, events: Iterable[Event]) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, slots=_domain().slots)
    for event in events:
        tracker.update(event)
    return tracker


def _turns(name: str = "Alice Example") -> list[Event]:
    return [
        ActionExecuted("action_listen"),
        UserUttered(f"I'm {name}, alice@example.com", intent={"name": "greet", "confidence": 0.97}),
        ActionExecuted("utter_greet"),
        BotUttered("Hi Alice, how can I help?"),
        ActionExecuted("action_listen"),
        UserUttered("I have had psoriasis since 2019", intent={"name": "nlu_fallback"}),
        SlotSet("referral", "dermatologist"),
        ActionExecuted("action_listen"),
    ]


def _forget_me() -> list[Event]:
    return [
        UserUttered("forget me", intent={"name": "forget_me", "confidence": 0.99}),
        ActionExecuted(ERASE_ACTION),
        BotUttered("done"),
    ]


def _dicts(events: Iterable[Event]) -> list[dict[str, Any]]:
    return [event.as_dict() for event in events]


def _rows(store: SQLTrackerStore, sender_id: str) -> list[tuple[Any, ...]]:
    with store.engine.connect() as connection:
        result = connection.execute(
            sa.text(
                "SELECT type_name, action_name, intent_name, data FROM events "
                "WHERE sender_id = :sender ORDER BY id"
            ),
            {"sender": sender_id},
        )
        return [tuple(row) for row in result]


def _assert_no_secrets(store: SQLTrackerStore, sender_id: str) -> None:
    for row in _rows(store, sender_id):
        for column in row:
            for secret in SECRETS:
                assert secret not in str(column or "")


def test_last_erasure_index() -> None:
    assert last_erasure_index([]) is None
    assert last_erasure_index(_turns()) is None
    events = [*_turns(), *_forget_me(), ActionExecuted("action_listen"), *_forget_me()]
    assert last_erasure_index(events) == len(events) - 2
    # Only an executed action counts, not e.g. a user message that names it.
    assert last_erasure_index([UserUttered(ERASE_ACTION)]) is None


def test_configured_exactly_like_type_sql(
    db_url: str, rasa_domain: Domain, tmp_path: Path, open_store: Any
) -> None:
    store = open_store()
    plain = _create(tmp_path, rasa_domain, store_type="SQL")
    try:
        assert type(plain) is SQLTrackerStore
        assert str(store.engine.url) == str(plain.engine.url) == db_url
        assert store.engine.dialect.name == plain.engine.dialect.name
        assert store.domain is rasa_domain
    finally:
        plain.engine.dispose()


async def test_normal_conversation_round_trip(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-normal"
    original = _tracker(sender, _turns())
    await open_store().save(original)

    reader = open_store()
    for reloaded in (await reader.retrieve(sender), await reader.retrieve_full_tracker(sender)):
        assert reloaded is not None
        assert _dicts(reloaded.events) == _dicts(original.events)
        assert reloaded.get_slot("referral") == original.get_slot("referral") == "dermatologist"
    assert sender in await reader.keys()
    assert len(_rows(reader, sender)) == len(original.events)


async def test_repeated_saves_do_not_duplicate(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-repeat"
    store = open_store()
    tracker = _tracker(sender, _turns())
    for _ in range(3):
        await store.save(tracker)
    assert len(_rows(store, sender)) == len(tracker.events)

    # The next turn, on the tracker Rasa retrieves.
    retrieved = await store.retrieve(sender)
    assert retrieved is not None
    retrieved.update(UserUttered("thanks", intent={"name": "thank"}))
    retrieved.update(ActionExecuted("utter_welcome"))
    await store.save(retrieved)
    await store.save(retrieved)

    assert len(_rows(store, sender)) == len(retrieved.events) == len(tracker.events) + 2
    reloaded = await open_store().retrieve(sender)
    assert reloaded is not None
    assert _dicts(reloaded.events) == _dicts(retrieved.events)


async def test_forget_me_in_one_save_keeps_only_the_erasure(open_store: Any, prefix: str) -> None:
    sender, other = f"{prefix}-forget", f"{prefix}-other"
    store = open_store()
    other_tracker = _tracker(other, _turns(name="Bob Other"))
    await store.save(other_tracker)

    tracker = _tracker(sender, [*_turns(), *_forget_me()])
    await store.save(tracker)

    reader = open_store()
    for reloaded in (await reader.retrieve(sender), await reader.retrieve_full_tracker(sender)):
        assert reloaded is not None
        assert _dicts(reloaded.events) == _dicts(list(tracker.events)[-2:])
        assert [e.as_dict()["event"] for e in reloaded.events] == ["action", "bot"]
        assert reloaded.events[0].action_name == ERASE_ACTION
        assert reloaded.get_slot("referral") == "none"  # the initial value, not "dermatologist"
    rows = _rows(reader, sender)
    assert [(row[0], row[1]) for row in rows] == [("action", ERASE_ACTION), ("bot", None)]
    _assert_no_secrets(reader, sender)

    # The other sender is untouched.
    other_reloaded = await reader.retrieve_full_tracker(other)
    assert other_reloaded is not None
    assert _dicts(other_reloaded.events) == _dicts(other_tracker.events)
    assert {sender, other} <= set(await reader.keys())


async def test_forget_me_after_earlier_turns(open_store: Any, prefix: str) -> None:
    """The processor's flow: earlier turns are stored, then the erasure turn is saved."""
    sender, other = f"{prefix}-turns", f"{prefix}-bystander"
    store = open_store()
    await store.save(_tracker(other, _turns(name="Bob Other")))
    await store.save(_tracker(sender, _turns()[:5]))
    tracker = await store.retrieve(sender)
    assert tracker is not None
    for event in _turns()[5:]:
        tracker.update(event)
    await store.save(tracker)
    other_rows = _rows(store, other)

    tracker = await store.retrieve(sender)
    assert tracker is not None
    for event in [*_forget_me(), ActionExecuted("action_listen")]:
        tracker.update(event)
    await store.save(tracker)

    reloaded = await open_store().retrieve(sender)
    assert reloaded is not None
    assert [event.as_dict()["event"] for event in reloaded.events] == ["action", "bot", "action"]
    assert reloaded.events[0].action_name == ERASE_ACTION
    assert reloaded.latest_action_name == "action_listen"
    assert len(_rows(store, sender)) == 3
    _assert_no_secrets(store, sender)
    assert _rows(store, other) == other_rows


async def test_messages_after_erasure_append_normally(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-after"
    broker = CollectingBroker()
    store = open_store(event_broker=broker)
    in_memory = _tracker(sender, [*_turns(), *_forget_me(), ActionExecuted("action_listen")])
    await store.save(in_memory)
    # Only what is kept is published, never the erased events.
    assert [event["event"] for event in broker.published] == ["action", "bot", "action"]
    assert all(event["sender_id"] == sender for event in broker.published)

    # Saving the same in-memory tracker again neither re-inserts nor duplicates.
    await store.save(in_memory)
    assert len(_rows(store, sender)) == 3

    # Next turn: Rasa retrieves the (post-erasure) tracker and appends.
    tracker = await open_store().retrieve(sender)
    assert tracker is not None
    new_turn = [
        UserUttered("what shampoo for dandruff?", intent={"name": "ask_shampoo"}),
        ActionExecuted("utter_shampoo"),
        BotUttered("Try a zinc pyrithione shampoo."),
        ActionExecuted("action_listen"),
    ]
    for event in new_turn:
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)

    reloaded = await open_store().retrieve(sender)
    assert reloaded is not None
    assert _dicts(reloaded.events) == _dicts(list(in_memory.events)[-3:] + new_turn)
    assert reloaded.events[0].action_name == ERASE_ACTION
    assert len(_rows(store, sender)) == len(reloaded.events)
    _assert_no_secrets(store, sender)


async def test_stale_in_memory_tracker_appends_only_its_new_events(
    open_store: Any, prefix: str
) -> None:
    sender = f"{prefix}-stale"
    store = open_store()
    in_memory = _tracker(sender, [*_turns(), *_forget_me()])
    await store.save(in_memory)
    in_memory.update(ActionExecuted("action_listen"))
    in_memory.update(UserUttered("hello again", intent={"name": "greet"}))
    await store.save(in_memory)
    await store.save(in_memory)

    reloaded = await store.retrieve(sender)
    assert reloaded is not None
    assert _dicts(reloaded.events) == _dicts(list(in_memory.events)[len(_turns()) + 1 :])
    assert len(_rows(store, sender)) == 4
    _assert_no_secrets(store, sender)


async def test_second_erasure_keeps_only_from_the_last(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-twice"
    store = open_store()
    await store.save(_tracker(sender, [*_turns(), *_forget_me(), ActionExecuted("action_listen")]))

    tracker = await store.retrieve(sender)
    assert tracker is not None
    for event in [
        UserUttered("I'm Alice Example again", intent={"name": "greet"}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        UserUttered("forget me again", intent={"name": "forget_me"}),
        ActionExecuted(ERASE_ACTION),
        BotUttered("done again"),
    ]:
        tracker.update(event)
    await store.save(tracker)

    reloaded = await open_store().retrieve_full_tracker(sender)
    assert reloaded is not None
    assert _dicts(reloaded.events) == _dicts(list(tracker.events)[-2:])
    assert reloaded.events[0].action_name == ERASE_ACTION
    assert reloaded.events[1].text == "done again"
    _assert_no_secrets(store, sender)
    assert all("forget me" not in row[3] for row in _rows(store, sender))


async def test_two_erasures_in_one_save_keep_from_the_last(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-double"
    store = open_store()
    events = [*_turns(), *_forget_me(), ActionExecuted("action_listen"), *_forget_me()]
    await store.save(_tracker(sender, events))
    reloaded = await store.retrieve(sender)
    assert reloaded is not None
    assert _dicts(reloaded.events) == _dicts(events[-2:])
    assert reloaded.events[0].timestamp == events[-2].timestamp


async def test_new_session_after_erasure(open_store: Any, prefix: str) -> None:
    """``retrieve`` returns the latest session, ``retrieve_full_tracker`` all kept events."""
    sender = f"{prefix}-session"
    store = open_store()
    await store.save(_tracker(sender, [*_turns(), *_forget_me(), ActionExecuted("action_listen")]))

    tracker = await store.retrieve(sender)
    assert tracker is not None
    session = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hello", intent={"name": "greet"}),
    ]
    for event in session:
        tracker.update(event)
    await store.save(tracker)

    reader = open_store()
    latest = await reader.retrieve(sender)
    assert latest is not None
    assert _dicts(latest.events) == _dicts(session[1:])
    full = await reader.retrieve_full_tracker(sender)
    assert full is not None
    assert _dicts(full.events) == _dicts(tracker.events)
    assert full.events[0].action_name == ERASE_ACTION

    # The next turn starts from the latest session only, as Rasa's processor does.
    latest.update(ActionExecuted("utter_greet"))
    await reader.save(latest)
    assert len(_rows(reader, sender)) == len(tracker.events) + 1
    _assert_no_secrets(reader, sender)


async def test_unknown_sender(open_store: Any, prefix: str) -> None:
    store = open_store()
    assert await store.retrieve(f"{prefix}-nobody") is None
    assert await store.retrieve_full_tracker(f"{prefix}-nobody") is None
    assert f"{prefix}-nobody" not in await store.keys()


# --------------------------------------------------------------------------
# Per-message cost: the cache of stored events and the incremental states.


def _faq_turn(number: int) -> list[Event]:
    return [
        UserUttered(f"question {number}", intent={"name": "faq", "confidence": 0.9}),
        ActionExecuted("utter_faq"),
        BotUttered(f"answer {number}"),
        ActionExecuted("action_listen"),
    ]


async def _converse(store: ScalpCareTrackerStore, sender: str, turns: int) -> DialogueStateTracker:
    """Turn by turn, as the processor does: retrieve, append, save."""
    await store.save(_tracker(sender, _turns()))
    for number in range(turns):
        tracker = await store.retrieve(sender)
        assert tracker is not None
        for event in _faq_turn(number):
            tracker.update(event)
        await store.save(tracker)
    tracker = await store.retrieve(sender)
    assert tracker is not None
    return tracker


def test_fast_deserialisation_matches_rasa() -> None:
    from rasa.shared.core.events import deserialise_events as rasa_deserialise

    from addons.server.tracker_store import deserialise_events

    events = [
        *_turns(),
        *_forget_me(),
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("concerns", ["itch", "flakes"]),
    ]
    serialised = [event.as_dict() for event in events]
    serialised.append({"event": "topic", "topic": "legacy"})  # skipped by both
    serialised.append({"no_event_key": True})  # skipped by both
    mine, theirs = deserialise_events(serialised), rasa_deserialise(serialised)
    assert [type(e) for e in mine] == [type(e) for e in theirs]
    assert _dicts(mine) == _dicts(theirs) == _dicts(events)


async def test_cached_retrieve_equals_a_fresh_read(open_store: Any, prefix: str) -> None:
    from addons.server.incremental_states import IncrementalStatesTracker

    sender = f"{prefix}-cache"
    store = open_store()
    tracker = await _converse(store, sender, turns=12)
    assert isinstance(tracker, IncrementalStatesTracker)
    assert tracker.states_memo is not None
    again = await store.retrieve(sender)
    assert again is not None and again.states_memo is tracker.states_memo  # same memo

    fresh = await open_store().retrieve(sender)  # read from the database
    assert fresh is not None
    assert _dicts(tracker.events) == _dicts(fresh.events)
    assert tracker.current_slot_values() == fresh.current_slot_values()
    assert len(_rows(store, sender)) == len(tracker.events)
    domain = _domain()
    assert tracker.past_states(domain) == domain.states_for_tracker_history(fresh)
    assert tracker.applied_events() == list(tracker.events)  # nothing reverted here


async def test_fingerprint_is_count_last_id_and_its_timestamp(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-fingerprint"
    store = open_store()
    await _converse(store, sender, turns=2)
    await _converse(store, f"{sender}-neighbour", turns=1)  # rows after ours
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, timestamp FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": sender},
        ).all()
    with store.session_scope() as session:
        assert store._fingerprint(session, sender) == (len(rows), rows[-1][0], rows[-1][1])
        assert store._fingerprint(session, f"{prefix}-nobody") == (0, None, None)


async def test_changes_by_another_process_are_seen(
    open_store: Any, prefix: str, db_url: str
) -> None:
    sender = f"{prefix}-other-writer"
    store, other = open_store(), open_store()
    await _converse(store, sender, turns=3)

    # Another Rasa replica appends a turn.
    theirs = await other.retrieve(sender)
    assert theirs is not None
    for event in _faq_turn(99):
        theirs.update(event)
    await other.save(theirs)
    mine = await store.retrieve(sender)
    assert mine is not None
    assert _dicts(mine.events) == _dicts(theirs.events)

    # The staff tools purge the oldest rows (same last row, fewer rows).
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as connection:
            oldest = connection.execute(
                sa.text("SELECT min(id) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar()
            connection.execute(sa.text("DELETE FROM events WHERE id = :id"), {"id": oldest})
        shorter = await store.retrieve(sender)
        assert shorter is not None
        assert _dicts(shorter.events) == _dicts(list(theirs.events)[1:])

        # ... or erase the sender altogether.
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
        assert await store.retrieve(sender) is None
    finally:
        engine.dispose()


async def test_new_session_with_cache(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-cached-session"
    store = open_store()
    tracker = await _converse(store, sender, turns=2)
    session = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("referral", "dermatologist"),
        ActionExecuted("action_listen"),
    ]
    for event in session:
        tracker.update(event)
    await store.save(tracker)
    latest = await store.retrieve(sender)
    assert latest is not None
    assert _dicts(latest.events) == _dicts(session[1:])
    fresh = await open_store().retrieve(sender)
    assert fresh is not None
    assert _dicts(fresh.events) == _dicts(latest.events)

    # And the next turn appends after the session start, in the cache and the database.
    for event in _faq_turn(7):
        latest.update(event)
    await store.save(latest)
    cached, read = await store.retrieve(sender), await open_store().retrieve(sender)
    assert cached is not None and read is not None
    assert _dicts(cached.events) == _dicts(read.events) == _dicts(latest.events)
    full = await store.retrieve_full_tracker(sender)
    assert full is not None
    assert len(full.events) == len(_rows(store, sender))


async def test_unsaved_events_are_not_served_from_the_cache(open_store: Any, prefix: str) -> None:
    """A turn that failed before saving leaves the stored conversation as it was."""
    sender = f"{prefix}-unsaved"
    store = open_store()
    await _converse(store, sender, turns=2)
    failed = await store.retrieve(sender)
    assert failed is not None
    stored = _dicts(failed.events)
    failed.update(UserUttered("never saved", intent={"name": "greet"}))
    again = await store.retrieve(sender)
    assert again is not None
    assert _dicts(again.events) == stored


async def test_cache_is_bounded(open_store: Any, prefix: str) -> None:
    store = open_store()
    store.cache_size = 2
    saved = [_tracker(f"{prefix}-lru-{number}", _turns()) for number in range(4)]
    for tracker in saved:
        await store.save(tracker)
        await store.retrieve(tracker.sender_id)
    assert list(store._cache) == [f"{prefix}-lru-2", f"{prefix}-lru-3"]
    # Evicted senders are read from the database again.
    evicted = await store.retrieve(f"{prefix}-lru-0")
    assert evicted is not None
    assert _dicts(evicted.events) == _dicts(saved[0].events)


async def test_forget_me_drops_the_cache(open_store: Any, prefix: str) -> None:
    sender = f"{prefix}-forget-cached"
    store = open_store()
    tracker = await _converse(store, sender, turns=2)
    for event in [*_forget_me(), ActionExecuted("action_listen")]:
        tracker.update(event)
    await store.save(tracker)
    reloaded = await store.retrieve(sender)
    assert reloaded is not None
    assert [e.as_dict()["event"] for e in reloaded.events] == ["action", "bot", "action"]
    _assert_no_secrets(store, sender)
