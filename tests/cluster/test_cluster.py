"""Scale-out (scripts/cluster.sh): two replicas behind nginx lose, double and reorder nothing.

Messages of many conversations go through the balancer at once, each
conversation's messages one after another (a client waits for the reply), so
consecutive messages of one conversation land on different replicas: the
PostgreSQL tracker store, the per-process cache of ``addons/server/tracker_store.py``
(validated against the database) and the Redis lock store must make the
replicas interchangeable. A pair sent at once to the same conversation checks
the lock itself. Then one replica is killed (SIGKILL) under load.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa

from tests.cluster.conftest import Cluster

pytestmark = [pytest.mark.e2e, pytest.mark.services]

#: Messages the assistant understands in any order (greeting, FAQ, small talk):
#: no form, no fallback that would record a message twice, no end of session.
TEXTS = (
    "hi",
    "what even is a scalp facial?",
    "are you a bot?",
    "how often should I do a scalp facial?",
    "physical or chemical exfoliant?",
    "can massage make my hair grow?",
    "salon or at home?",
    "what does hyaluronic acid do for the scalp?",
)
#: Sent together to the same conversation after the others (the lock's test).
PAIR = ("how long until I see results?", "what can you do?")
CONVERSATIONS = 20
REQUEST_TIMEOUT_S = 400


def script(number: int, length: int = len(TEXTS)) -> list[str]:
    """The distinct messages of conversation ``number``: ``TEXTS`` rotated."""
    shift = number % len(TEXTS)
    return list(TEXTS[shift:] + TEXTS[:shift])[:length]


@dataclass
class Sent:
    """One message as the client saw it."""

    text: str
    started: float
    acknowledged: bool = False
    replies: list[str | None] = field(default_factory=list)


async def say(session: aiohttp.ClientSession, cluster: Cluster, sender: str, text: str) -> Sent:
    """POST one message to the REST channel through the balancer; never raises."""
    sent = Sent(text, time.monotonic())
    try:
        async with session.post(
            cluster.url("/webhooks/rest/webhook"), json={"sender": sender, "message": text}
        ) as response:
            body = await response.json(content_type=None)
            if response.status == 200 and isinstance(body, list):
                sent.acknowledged = True
                sent.replies = [message.get("text") for message in body]
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        pass
    return sent


async def trackers(cluster: Cluster, senders: list[str]) -> dict[str, dict[str, Any]]:
    """Every sender's tracker, read through the balancer (so from either replica)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def one(sender: str) -> dict[str, Any]:
            async with session.get(cluster.url(f"/conversations/{sender}/tracker")) as response:
                assert response.status == 200, await response.text()
                return dict(await response.json())

        return dict(zip(senders, await asyncio.gather(*map(one, senders)), strict=True))


def turns(tracker: dict[str, Any]) -> list[tuple[str, list[str | None]]]:
    """(user text, bot texts until the next user message) for every user message, in order."""
    result: list[tuple[str, list[str | None]]] = []
    for event in tracker["events"]:
        if event["event"] == "user":
            result.append((event.get("text") or "", []))
        elif event["event"] == "bot" and result:
            result[-1][1].append(event.get("text"))
    return result


def stored_rows(cluster: Cluster, sender: str) -> list[tuple[int, str, float, str]]:
    """The sender's rows in the shared tracker database, in insertion (id) order."""
    engine = sa.create_engine(cluster.tracker_db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT id, type_name, timestamp, data FROM events "
                    "WHERE sender_id = :sender ORDER BY id"
                ),
                {"sender": sender},
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def assert_stored_once_in_order(cluster: Cluster, sender: str, tracker: dict[str, Any]) -> None:
    """No event row twice, rows in time order, and exactly the events the tracker shows."""
    rows = stored_rows(cluster, sender)
    assert len(rows) == len(tracker["events"]), sender
    duplicates = [data for data, count in Counter(row[3] for row in rows).items() if count > 1]
    assert not duplicates, f"{sender}: events stored twice: {duplicates[:3]}"
    timestamps = [row[2] for row in rows]
    assert timestamps == sorted(timestamps), f"{sender}: rows out of time order"
    assert [row[1] for row in rows] == [event["event"] for event in tracker["events"]], sender


def upstreams(cluster: Cluster, method: str, uri: str) -> list[str]:
    """The upstream address(es) nginx used for each ``method uri`` request it logged."""
    pattern = re.compile(rf" {method} {re.escape(uri)} \d+ upstream=(\S+(?:, \S+)*) ")
    return [m.group(1) for line in cluster.access_log() if (m := pattern.search(line))]


def port_refuses(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_interleaved_conversations_lose_duplicate_or_reorder_nothing(cluster: Cluster) -> None:
    """20 conversations x 8 messages at once, then a pair at once per conversation."""
    tag = os.urandom(4).hex()
    senders = [f"rest:cluster-{tag}-{number}" for number in range(CONVERSATIONS)]
    logged_before = len(upstreams(cluster, "POST", "/webhooks/rest/webhook"))

    async def run() -> dict[str, list[Sent]]:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

            async def conversation(number: int) -> list[Sent]:
                sender = senders[number]
                sent = [await say(session, cluster, sender, text) for text in script(number)]
                pair = await asyncio.gather(*(say(session, cluster, sender, t) for t in PAIR))
                return [*sent, *pair]

            results = await asyncio.gather(*map(conversation, range(CONVERSATIONS)))
        return dict(zip(senders, results, strict=True))

    conversations = asyncio.run(run())
    failed = [(s, m.text) for s, sent in conversations.items() for m in sent if not m.acknowledged]
    assert not failed, f"messages not acknowledged: {failed}"

    stored = asyncio.run(trackers(cluster, senders))
    for number, sender in enumerate(senders):
        recorded = turns(stored[sender])
        texts = [text for text, _ in recorded]
        expected = script(number)
        # Each message exactly once; the sequential ones in sending order, the
        # pair after them in either order (it was sent at once).
        assert texts[: len(expected)] == expected, f"{sender}: {texts}"
        assert sorted(texts[len(expected) :]) == sorted(PAIR), f"{sender}: {texts}"
        # What the tracker says the bot answered is what the client received,
        # turn by turn: no bot event lost, doubled or given to the wrong message.
        replies = {m.text: m.replies for m in conversations[sender]}
        for text, bot_texts in recorded:
            assert bot_texts, f"{sender}: no answer recorded to {text!r}"
            assert bot_texts == replies[text], f"{sender}: {text!r}"
        # The intents: nothing fell back (a fallback may record a message twice).
        intents = [
            event["parse_data"]["intent"]["name"]
            for event in stored[sender]["events"]
            if event["event"] == "user"
        ]
        assert "nlu_fallback" not in intents, f"{sender}: {list(zip(texts, intents, strict=True))}"
        assert_stored_once_in_order(cluster, sender, stored[sender])

    # Both replicas took a fair share of the messages (round robin).
    used = upstreams(cluster, "POST", "/webhooks/rest/webhook")[logged_before:]
    assert len(used) == CONVERSATIONS * (len(TEXTS) + len(PAIR))
    shares = Counter(address.split(":")[-1] for address in used)
    for port in cluster.replica_ports:
        assert shares[str(port)] >= len(used) // 4, shares


def test_a_replica_killed_under_load_loses_nothing_acknowledged(cluster: Cluster) -> None:
    """SIGKILL one replica mid-load: the other takes over, every conversation goes on."""
    tag = os.urandom(4).hex()
    count, length = 10, 6
    senders = [f"rest:cluster-kill-{tag}-{number}" for number in range(count)]
    victim, survivor = cluster.replica_ports
    pid = cluster.replica_pid(victim)
    killed_at: list[float] = []

    async def run() -> tuple[dict[str, list[Sent]], dict[str, Sent]]:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        connector = aiohttp.TCPConnector(limit=0)
        acknowledged = 0
        enough = asyncio.Event()

        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

            async def conversation(number: int) -> list[Sent]:
                nonlocal acknowledged
                sent = []
                for text in script(number, length):
                    sent.append(await say(session, cluster, senders[number], text))
                    acknowledged += sent[-1].acknowledged
                    if acknowledged >= count * 2:
                        enough.set()
                return sent

            async def kill() -> None:
                await enough.wait()
                os.kill(pid, signal.SIGKILL)
                while not port_refuses(victim):
                    await asyncio.sleep(0.05)
                killed_at.append(time.monotonic())

            *results, _ = await asyncio.gather(*map(conversation, range(count)), kill())
            # Afterwards every conversation goes on (through the survivor).
            after = await asyncio.gather(*(say(session, cluster, s, PAIR[0]) for s in senders))
        return (
            dict(zip(senders, results, strict=True)),
            dict(zip(senders, after, strict=True)),
        )

    conversations, after = asyncio.run(run())
    assert killed_at, "the replica was never killed"
    # Only a message in flight on the killed replica may fail (at most one per
    # conversation); one sent after it died goes to the survivor.
    failed = [m for sent in conversations.values() for m in sent if not m.acknowledged]
    assert len(failed) <= count
    late = [m.text for m in failed if m.started >= killed_at[0]]
    assert not late, f"sent after the kill, not acknowledged: {late}"
    assert all(m.acknowledged and m.replies for m in after.values()), after

    stored = asyncio.run(trackers(cluster, senders))
    for sender in senders:
        sent = [*conversations[sender], after[sender]]
        texts = [text for text, _ in turns(stored[sender])]
        # Every acknowledged message exactly once; one that failed at most
        # once (the replica may have stored it before it died); in order.
        for message in sent:
            allowed = {1} if message.acknowledged else {0, 1}
            assert texts.count(message.text) in allowed, f"{sender}: {message.text!r} in {texts}"
        assert texts == [m.text for m in sent if m.text in texts], f"{sender}: {texts}"
        assert_stored_once_in_order(cluster, sender, stored[sender])

    assert cluster.replica_status(survivor).get("model_file")
    assert port_refuses(victim)
