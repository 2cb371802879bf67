"""The fault handling of addons/server/faults.py and the tracker store, without a running assistant.

Tables for the pure decisions; the channel wrapper around fake message handlers;
the tracker store on a SQLite database whose table has gone, behind Rasa's own
``FailSafeTrackerStore`` (the in-memory fallback it must not fall into).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from rasa.core import processor as rasa_processor
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url

from addons.server import faults
from addons.server.faults import ACTION_FAILED, NOT_TAKEN, TrackerStoreFailed
from addons.server.session_ids import log_ref
from addons.server.tracker_store import CONNECT_TIMEOUT_S, ScalpCareTrackerStore, engine_options
from scalpcare.phrases import Phrase
from tests.replies import rendered

#: The apologies as the client reads them (domain.yml).
ACTION_FAILED_TEXT = rendered(ACTION_FAILED)
NOT_TAKEN_TEXT = rendered(NOT_TAKEN)

ROOT = Path(__file__).resolve().parents[2]
RASA_FAILURE = "Encountered an exception while running action '{}'.Bot will continue, ..."


PROC, ERROR = "rasa.core.processor", logging.ERROR


@pytest.mark.parametrize(
    ("logger_name", "level", "message", "expected"),
    [
        (PROC, ERROR, RASA_FAILURE.format("action_triage"), "action_triage"),
        (PROC, ERROR, RASA_FAILURE.format("consultation_form"), "consultation_form"),
        (PROC, logging.WARNING, RASA_FAILURE.format("action_triage"), None),
        ("rasa.core.actions.action", ERROR, RASA_FAILURE.format("action_triage"), None),
        (PROC, ERROR, "Circuit breaker tripped.", None),
        (PROC, ERROR, "Encountered an exception while running action", None),
    ],
)
def test_failed_action_name(
    logger_name: str, level: int, message: str, expected: str | None
) -> None:
    assert faults.failed_action_name(logger_name, level, message) == expected


@pytest.mark.parametrize(
    ("failed_actions", "taken", "expected"),
    [
        ([], True, None),
        (["action_triage"], True, ACTION_FAILED),
        (["consultation_form", "action_triage"], True, ACTION_FAILED),
        ([], False, NOT_TAKEN),
        (["action_triage"], False, NOT_TAKEN),
    ],
)
def test_reply_for(failed_actions: list[str], taken: bool, expected: Phrase | None) -> None:
    assert faults.reply_for(failed_actions, taken) == expected


def test_the_apologies_are_the_domains_responses() -> None:
    assert ACTION_FAILED.name == "utter_server_action_failed"
    assert NOT_TAKEN.name == "utter_server_message_not_taken"
    assert ACTION_FAILED_TEXT.startswith("Sorry") and NOT_TAKEN_TEXT.startswith("Sorry")


def test_rasa_still_reports_failed_actions_the_way_we_read_it() -> None:
    """The recorder reads Rasa 3.6's own log line: fail here if an upgrade changes it."""
    source = inspect.getsource(rasa_processor.MessageProcessor._run_action)
    assert "logger.exception(" in source
    assert f'f"{faults.ACTION_FAILURE_PREFIX}' + "'{action.name()}'." in source
    assert rasa_processor.logger.name == faults.PROCESSOR_LOGGER


def _rasa_logs_failure(action: str) -> None:
    try:
        raise RuntimeError("connection refused")
    except RuntimeError:
        rasa_processor.logger.exception(RASA_FAILURE.format(action))


Handler = Callable[[UserMessage], Awaitable[Any]]


async def _ok(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "hello")
    faults.note_stored()


async def _action_failed(message: UserMessage) -> None:
    _rasa_logs_failure("action_triage")
    await _ok(message)


async def _store_down(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "hello")
    raise TrackerStoreFailed("tracker store unavailable while saving conversation 'a'")


async def _redis_down(message: UserMessage) -> None:
    raise LockError("Error while acquiring lock. Error:\nConnection refused")


async def _bug(message: UserMessage) -> None:
    raise KeyError("slot")


async def _lock_release_failed(message: UserMessage) -> None:
    await _ok(message)
    raise redis.exceptions.ConnectionError("Connection closed by server.")


@pytest.mark.parametrize(
    ("handler", "replies"),
    [
        (_ok, ["hello"]),
        (_action_failed, ["hello", ACTION_FAILED_TEXT]),
        (_store_down, [NOT_TAKEN_TEXT]),
        (_redis_down, [NOT_TAKEN_TEXT]),
        (_bug, [NOT_TAKEN_TEXT]),
        (_lock_release_failed, ["hello"]),
    ],
)
async def test_answer_faults(handler: Handler, replies: list[str]) -> None:
    output = CollectingOutputChannel()
    await faults.answer_faults(handler)(UserMessage("hi", output, "a"))
    assert [m["text"] for m in output.messages] == replies


async def test_a_failure_is_answered_in_its_own_conversation_only() -> None:
    """Concurrent messages: the action failure of one is not reported to the other."""
    started = asyncio.Event()

    async def handler(message: UserMessage) -> None:
        if message.sender_id == "fails":
            await started.wait()
            _rasa_logs_failure("action_triage")
        else:
            started.set()
            await asyncio.sleep(0.05)
        await _ok(message)

    wrapped = faults.answer_faults(handler)
    outputs = {sender: CollectingOutputChannel() for sender in ("fails", "works")}
    await asyncio.gather(*(wrapped(UserMessage("hi", out, s)) for s, out in outputs.items()))
    assert [m["text"] for m in outputs["fails"].messages] == ["hello", ACTION_FAILED_TEXT]
    assert [m["text"] for m in outputs["works"].messages] == ["hello"]


async def test_a_failure_outside_a_message_is_only_logged() -> None:
    _rasa_logs_failure("action_checkin")  # e.g. a reminder: no channel turn, nothing to record
    assert not faults.in_channel_turn()


async def test_cancellation_is_not_swallowed() -> None:
    async def cancelled(message: UserMessage) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await faults.answer_faults(cancelled)(UserMessage("hi", CollectingOutputChannel(), "a"))


def test_the_recorder_is_installed_once() -> None:
    faults.answer_faults(_ok)
    faults.answer_faults(_ok)
    recorders = [
        f
        for f in logging.getLogger(faults.PROCESSOR_LOGGER).filters
        if isinstance(f, faults.ActionFailureRecorder)
    ]
    assert len(recorders) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///var/tracker.db", None),
        (
            "postgresql://postgres@127.0.0.1:5432/rasa",
            {"pool_pre_ping": True, "connect_args": {"connect_timeout": CONNECT_TIMEOUT_S}},
        ),
        ("postgresql://u:p@db:5432/rasa?connect_timeout=2", {"pool_pre_ping": True}),
        ("mysql+pymysql://u:p@db/rasa", {"pool_pre_ping": True}),
    ],
)
def test_engine_options(url: str, expected: dict[str, Any] | None) -> None:
    options = engine_options(make_url(url))
    if expected is None:
        assert options is None
        return
    assert options is not None
    for key, value in expected.items():
        assert options[key] == value
    if "connect_args" not in expected:
        assert "connect_timeout" not in options.get("connect_args", {})


# ---------------------------------------------------------------- tracker store
@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def broken_store(tmp_path: Path, domain: Domain) -> FailSafeTrackerStore:
    """Our store as Rasa wraps it, over a database that has lost its table."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = ScalpCareTrackerStore(domain=domain, host=url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE events"))
    engine.dispose()
    return FailSafeTrackerStore(store)


def _tracker(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hi", intent={"name": "greet", "confidence": 1.0}))
    return tracker


async def _in_turn(call: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``call`` as part of a channel message (as answer_faults does)."""
    result: list[Any] = []

    async def handler(message: UserMessage) -> None:
        result.append(await call())

    output = CollectingOutputChannel()
    await faults.answer_faults(handler)(UserMessage("hi", output, "a"))
    return output.messages


async def test_store_failure_in_a_message_passes_rasas_fallback(
    broken_store: FailSafeTrackerStore, caplog: pytest.LogCaptureFixture
) -> None:
    for call in (
        lambda: broken_store.retrieve("a"),
        lambda: broken_store.save(_tracker("a")),
        lambda: broken_store.retrieve_full_tracker("a"),
    ):
        with pytest.raises(TrackerStoreFailed):
            token = faults._turn.set(faults.TurnFaults())
            try:
                await call()
            finally:
                faults._turn.reset(token)
        assert [m["text"] for m in await _in_turn(call)] == [NOT_TAKEN_TEXT]
    # Nothing reached Rasa's in-memory fallback.
    assert broken_store._fallback_tracker_store is None
    assert f"Tracker store unavailable while saving conversation {log_ref('a')}" in caplog.text


async def test_store_failure_outside_a_message_is_logged(
    broken_store: FailSafeTrackerStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The HTTP API and reminders keep Rasa's own handling; the log says what it means."""
    assert await broken_store.retrieve("a") is None
    assert f"Tracker store unavailable while reading conversation {log_ref('a')}" in caplog.text
    assert "'a'" not in caplog.text  # neither the id nor the statement's parameters
    assert "empty in-memory conversation" in caplog.text
