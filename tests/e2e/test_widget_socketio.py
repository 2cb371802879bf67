"""Rasa's socketio channel as the widget uses it, without a browser: server-issued,
unforgeable conversation ids.

Guards the python-socketio pin: with python-socketio 5.18 Rasa 3.6's
``session_request`` handler no longer puts the client in its session's room and
every reply goes nowhere; this test then times out waiting for ``bot_uttered``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import socketio

from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e
REPLY_TIMEOUT_S = 90


async def _connect(assistant: Assistant, origin: str) -> tuple[socketio.AsyncClient, asyncio.Queue]:
    client = socketio.AsyncClient(reconnection=False)
    events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    @client.on("session_confirm")
    async def confirmed(data: Any) -> None:
        await events.put(("session_confirm", data))

    @client.on("bot_uttered")
    async def uttered(data: Any) -> None:
        await events.put(("bot_uttered", data))

    # Long-polling: engine.io 4.15's WebSocket client needs a newer aiohttp than
    # Rasa 3.6 pins. The room join and the origin check are the same for both.
    await client.connect(
        assistant.base_url, headers={"Origin": origin}, transports=["polling"], wait_timeout=30
    )
    return client, events


async def _next(events: asyncio.Queue, name: str) -> Any:
    while True:
        event, data = await asyncio.wait_for(events.get(), timeout=REPLY_TIMEOUT_S)
        if event == name:
            return data


def _conversation(token: str) -> str:
    """The stored conversation id of a widget token (addons/server/session_ids.py)."""
    return "web:" + token.split(".")[0]


async def test_a_persistent_session_gets_its_replies(assistant: Assistant) -> None:
    """The server issues the id; a reload with it continues the same conversation."""
    client, events = await _connect(assistant, assistant.web_url)
    try:
        await client.emit("session_request", {"session_id": None})
        token = await _next(events, "session_confirm")
        assert isinstance(token, str) and "." in token
        await client.emit("user_uttered", {"message": "hi", "session_id": token})
        reply = await _next(events, "bot_uttered")
        assert "scalp-care assistant" in reply["text"]
    finally:
        await client.disconnect()

    # A new connection (a reload) with the same token continues the same tracker.
    client, events = await _connect(assistant, assistant.web_url)
    try:
        await client.emit("session_request", {"session_id": token})
        assert await _next(events, "session_confirm") == token
        await client.emit(
            "user_uttered", {"message": "what is a scalp facial", "session_id": token}
        )
        reply = await _next(events, "bot_uttered")
        assert "scalp facial" in reply["text"].lower()
    finally:
        await client.disconnect()
    tracker = await asyncio.to_thread(assistant.tracker, _conversation(token))
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts == ["hi", "what is a scalp facial"]
    assert tracker["latest_input_channel"] == "socketio"


async def test_a_forged_or_guessed_id_gets_its_own_new_conversation(assistant: Assistant) -> None:
    """A second client with the victim's id but a wrong tag, or another format, is refused:
    it gets a new conversation, none of the victim's replies, and cannot act as the victim."""
    victim, victim_events = await _connect(assistant, assistant.web_url)
    try:
        await victim.emit("session_request", {})
        token = await _next(victim_events, "session_confirm")
        await victim.emit("user_uttered", {"message": "my scalp is oily", "session_id": token})
        await _next(victim_events, "bot_uttered")
        random_part = token.split(".")[0]
        for forged in (
            f"{random_part}.{'0' * 32}",  # the right id, a made-up tag
            random_part,  # the stored id's random part alone
            _conversation(token),  # the stored id itself
            f"widget-{uuid.uuid4().hex[:12]}",  # the old client-chosen format
        ):
            thief, thief_events = await _connect(assistant, assistant.web_url)
            try:
                await thief.emit("session_request", {"session_id": forged})
                issued = await _next(thief_events, "session_confirm")
                assert issued != token and issued.split(".")[0] != random_part
                # Whatever id the message carries, it lands in the thief's own conversation.
                await thief.emit("user_uttered", {"message": "forget me", "session_id": token})
                await _next(thief_events, "bot_uttered")
                stolen = await asyncio.to_thread(assistant.tracker, _conversation(issued))
                assert [e["text"] for e in stolen["events"] if e["event"] == "user"] == [
                    "forget me"
                ]
            finally:
                await thief.disconnect()
        # The victim's conversation has only the victim's words, and no reply went astray.
        mine = await asyncio.to_thread(assistant.tracker, _conversation(token))
        assert [e["text"] for e in mine["events"] if e["event"] == "user"] == ["my scalp is oily"]
        assert victim_events.empty()
    finally:
        await victim.disconnect()


async def test_a_message_before_the_session_is_confirmed_is_ignored(
    assistant: Assistant,
) -> None:
    """Without session_request, a message naming any id reaches no conversation."""
    client, events = await _connect(assistant, assistant.web_url)
    try:
        await client.emit("user_uttered", {"message": "hi", "session_id": "web:anything"})
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(events.get(), timeout=5)
    finally:
        await client.disconnect()


async def test_only_the_salon_page_may_connect(assistant: Assistant) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _connect(assistant, "http://evil.example")
    client, _ = await _connect(assistant, assistant.web_url)
    await client.disconnect()


async def test_a_visitor_still_on_the_page_is_told_at_once_when_staff_erase_them(
    assistant: Assistant,
) -> None:
    """The console's erase reaches an open widget with its "forgotten" signal."""
    from tests.e2e.test_console_http import Browser, make_account

    client, events = await _connect(assistant, assistant.web_url)
    try:
        await client.emit("session_request", {"session_id": None})
        token = await _next(events, "session_confirm")
        await client.emit("user_uttered", {"message": "my scalp is itchy", "session_id": token})
        await _next(events, "bot_uttered")
        name = f"eraser{uuid.uuid4().hex[:6]}"
        make_account(assistant, name)
        staff = Browser(assistant.web_url)
        assert staff.login(name) == 302
        form = {"csrf": staff.csrf(), "sender": _conversation(token), "confirm": "yes"}
        status, _, page = await asyncio.to_thread(
            staff.request, "POST", "/staff/conversation/erase", form
        )
        assert status == 200 and "Client erased" in page
        texts: list[str] = []
        while True:  # the reply that says so, then the signal that drops the history
            said = await _next(events, "bot_uttered")
            if said.get("scalp_care") == "forgotten":
                break
            texts.append(said.get("text") or "")
        assert any("erased this conversation" in text for text in texts)
        stored = assistant.tracker(_conversation(token)).get("events") or []
        assert not any(event["event"] == "user" for event in stored)
    finally:
        await client.disconnect()
