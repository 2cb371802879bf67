"""Rasa's socketio channel as the widget uses it, without a browser.

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


async def test_a_persistent_session_gets_its_replies(assistant: Assistant) -> None:
    session_id = f"widget-{uuid.uuid4().hex[:12]}"
    client, events = await _connect(assistant, assistant.web_url)
    try:
        await client.emit("session_request", {"session_id": session_id})
        assert await _next(events, "session_confirm") == session_id
        await client.emit("user_uttered", {"message": "hi", "session_id": session_id})
        reply = await _next(events, "bot_uttered")
        assert "scalp-care assistant" in reply["text"]
    finally:
        await client.disconnect()

    # A new connection (a reload) with the same session id continues the same tracker.
    client, events = await _connect(assistant, assistant.web_url)
    try:
        await client.emit("session_request", {"session_id": session_id})
        await _next(events, "session_confirm")
        await client.emit(
            "user_uttered", {"message": "what is a scalp facial", "session_id": session_id}
        )
        reply = await _next(events, "bot_uttered")
        assert "scalp facial" in reply["text"].lower()
    finally:
        await client.disconnect()
    tracker = await asyncio.to_thread(assistant.tracker, session_id)
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts == ["hi", "what is a scalp facial"]
    assert tracker["latest_input_channel"] == "socketio"


async def test_only_the_salon_page_may_connect(assistant: Assistant) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _connect(assistant, "http://evil.example")
    client, _ = await _connect(assistant, assistant.web_url)
    await client.disconnect()
