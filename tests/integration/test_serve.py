"""``python -m addons.server.serve``: Rasa with NLU parsing on a worker thread and the action
server's replies checked against a schema compiled once.

On the trained model: the parse data are exactly those of Rasa's own
``parse_message``, the parsing happens on the worker thread, and the event loop goes
on running other coroutines while a message is parsed (with Rasa's own, it cannot).
The action replies Rasa accepts and refuses, and its error messages, are unchanged.
The end-to-end tests (tests/e2e) run the whole assistant this way, through
scripts/run.sh.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from addons.server import serve

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "scalp-care.tar.gz"

TEXTS = [
    "hi",
    "my scalp is itchy and flaky but not sensitive, I wash every other day",
    "what is a scalp facial?",
    "there's a bleeding patch that won't heal",
    "actually it's quite sensitive",
    "💆‍♀️💆‍♀️",
    "",
    "Ich habe eine trockene Kopfhaut",
]


@pytest.fixture
def rasa_parsing() -> Iterator[None]:
    """Rasa's own ``parse_message`` and action-reply check before and after each test."""

    def restore() -> None:
        MessageProcessor.parse_message = serve._original_parse_message  # type: ignore
        RemoteAction._validate_action_result = serve._original_validate_action_result  # type: ignore

    restore()
    yield
    restore()


@pytest.mark.parametrize(("value", "installed"), [(None, True), ("1", True), ("0", False)])
def test_the_switch(
    rasa_parsing: None, monkeypatch: pytest.MonkeyPatch, value: str | None, installed: bool
) -> None:
    if value is None:
        monkeypatch.delenv(serve.ENV_SWITCH, raising=False)
    else:
        monkeypatch.setenv(serve.ENV_SWITCH, value)
    assert serve.install() is installed
    expected = serve.parse_message_off_loop if installed else serve._original_parse_message
    assert MessageProcessor.parse_message is expected
    assert RemoteAction._validate_action_result is serve.validate_action_result


SLOT = {"event": "slot", "name": "scalp_type", "value": "oily", "timestamp": None}
UTTER = {"event": "bot", "text": "Hello", "data": {}, "metadata": {}, "timestamp": None}


@pytest.mark.parametrize(
    ("reply", "accepted"),
    [
        ({"events": [], "responses": []}, True),
        ({"events": [SLOT, UTTER], "responses": [{"text": "Hi", "buttons": []}]}, True),
        ({}, True),
        ({"events": [{"event": "followup", "name": "utter_greet", "timestamp": None}]}, True),
        ({"events": "not a list", "responses": []}, False),
        ({"events": [{"name": "scalp_type"}], "responses": []}, False),
        ({"events": [{"event": "no_such_event"}], "responses": []}, False),
        ({"events": [SLOT], "responses": "hello"}, False),
        ({"events": [SLOT], "responses": ["hello"]}, False),
        ({"events": [{**SLOT, "timestamp": "yesterday"}]}, False),
        ([], False),
        (None, False),
        ({"events": None}, False),
        ({"events": [SLOT, "slot"]}, False),
        ({"events": [{"event": 3}]}, False),
        ({"events": [{"event": "slot", "name": "scalp_type"}]}, False),  # no value
        ({"events": [SLOT, {**UTTER, "extra": [1, 2]}, {"event": "action", "name": None}]}, True),
        ({"events": [{"event": "action", "name": 7}]}, False),
        ({"events": [{"event": "user", "text": "hi", "parse_data": {"entities": [{}]}}]}, False),
        (
            {
                "events": [
                    {
                        "event": "user",
                        "text": "hi",
                        "parse_data": {"entities": [{"entity": "person", "value": "Ann"}]},
                    },
                    {"event": "entities", "entities": [{"entity": "person", "value": "Ann"}]},
                    {"event": "reset_slots"},
                    {"event": "active_loop", "name": None},
                ]
            },
            True,
        ),
        ({"events": [{"event": "entities", "entities": "Ann"}]}, False),
        ({"events": [{**SLOT, "metadata": "x"}]}, False),
    ],
)
def test_action_replies_are_checked_as_rasa_does(
    rasa_parsing: None, reply: Any, accepted: bool
) -> None:
    action = RemoteAction("action_recommend_routine", None)

    def outcome(check: Any) -> str:
        try:
            return str(check(action, reply))
        except ValidationError as error:
            return f"refused: {error.message} at {list(error.absolute_path)}"

    rasa = outcome(serve._original_validate_action_result)
    ours = outcome(serve.validate_action_result)
    assert ours == rasa
    # The shortcut accepts exactly what the whole schema accepts.
    assert serve.accepted_at_once(reply) is accepted
    assert (rasa == "True") is accepted
    assert accepted or "Failed to validate Action server response" in rasa


@pytest.fixture(scope="module")
def agent() -> Any:
    if not MODEL.exists():
        pytest.skip("no trained model: make train")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def parse_all(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    async def run() -> list[dict[str, Any]]:
        # All at once, as concurrent conversations send them.
        return list(
            await asyncio.gather(
                *(agent.processor.parse_message(UserMessage(text)) for text in texts)
            )
        )

    return asyncio.run(run())


def test_same_parse_data_as_rasa(rasa_parsing: None, agent: Any) -> None:
    expected = parse_all(agent, TEXTS)
    MessageProcessor.parse_message = serve.parse_message_off_loop  # type: ignore[method-assign]
    assert parse_all(agent, TEXTS) == expected
    assert expected[3]["intent"]["name"] != expected[0]["intent"]["name"]  # real parses


@contextmanager
def parsing_on_workers(
    agent: Any, monkeypatch: pytest.MonkeyPatch, workers: int
) -> Iterator[list[str]]:
    """Parsing off the loop on a fresh pool of ``workers`` threads; yields each parse's thread."""
    threads: list[str] = []
    graph_parse = agent.processor._parse_message_with_graph

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return graph_parse(*args, **kwargs)

    monkeypatch.setattr(agent.processor, "_parse_message_with_graph", recording)
    monkeypatch.setenv(serve.WORKERS_VARIABLE, str(workers))
    monkeypatch.setattr(serve, "_executor", None)
    MessageProcessor.parse_message = serve.parse_message_off_loop  # type: ignore[method-assign]
    try:
        yield threads
    finally:
        if serve._executor is not None:
            serve._executor.shutdown()


def test_parsing_runs_on_the_worker_thread(
    rasa_parsing: None, agent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with parsing_on_workers(agent, monkeypatch, workers=1) as threads:
        parse_all(agent, TEXTS)
    assert len(threads) == len(TEXTS)
    assert all(name.startswith("nlu-parse") for name in threads)
    assert len(set(threads)) == 1  # one worker: one message after the other


def ticks_during_parses(agent: Any, texts: list[str]) -> int:
    """How often another coroutine got to run while the texts were parsed."""

    async def run() -> int:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        ticks = 0
        for text in texts:
            await agent.processor.parse_message(UserMessage(text))
        done.set()
        await task
        return ticks

    return asyncio.run(run())


def test_the_event_loop_keeps_running_while_a_message_is_parsed(
    rasa_parsing: None, agent: Any
) -> None:
    long_text = " ".join(TEXTS[1:3] * 10)
    # Rasa's own: one tick for each time the parsing coroutine yields without
    # waiting, none while the graph runs.
    blocked = ticks_during_parses(agent, [long_text] * 3)
    MessageProcessor.parse_message = serve.parse_message_off_loop  # type: ignore[method-assign]
    running = ticks_during_parses(agent, [long_text] * 3)
    assert blocked <= 3
    assert running > 100


@pytest.mark.parametrize(
    ("value", "workers"), [(None, 2), ("", 2), ("1", 1), ("3", 3), ("0", 1), ("x", 2)]
)
def test_parse_workers_setting(value: str | None, workers: int) -> None:
    environ = {} if value is None else {serve.WORKERS_VARIABLE: value}
    assert serve.parse_workers(environ) == workers


def test_several_workers_parse_exactly_as_rasa(
    rasa_parsing: None, agent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Messages with entities (names, contacts, services) for the CRF, whose taggers are
    # stateful, and some that differ only slightly, many times over, all at once.
    texts = [
        *TEXTS,
        "I'm Priya Shah, priya.shah@example.com, a scalp facial on Friday please",
        "book a head massage for Tom Lee on Saturday, 07700 900123",
        "my scalp is oily with flakes and my hair is thinning",
    ] * 6
    expected = parse_all(agent, texts)
    with parsing_on_workers(agent, monkeypatch, workers=3) as threads:
        assert parse_all(agent, texts) == expected
    assert len(set(threads)) > 1
