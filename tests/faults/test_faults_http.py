"""Faults mid-conversation, on the running assistant (docs/faults.md).

One assistant (scripts/run.sh) runs for the module with its tracker store on a
private PostgreSQL and its lock store on a private Redis (tests/faults/services.py);
each test breaks one part mid-conversation and checks that

* the user gets a polite answer, never silence or an error,
* once the part is back, the same conversation (a form included) goes on,
* nothing the bot answered is lost, and the failure is in the log.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from addons.server.faults import ACTION_FAILED, NOT_TAKEN
from addons.server.session_ids import log_ref
from tests.e2e.conftest import CHECKIN_DELAY_S, Assistant, free_port, running_assistant
from tests.faults.services import ActionServer, PrivatePostgres, PrivateRedis
from tests.replies import rendered

pytestmark = pytest.mark.e2e

ASK_CONCERNS = "What's bothering you most"
ASK_SCALP_TYPE = "how does your scalp feel"
ASK_SENSITIVE = "Is your scalp sensitive"
START = "can u give me a routine"
CONCERN = "buildup!! from hairspray"
OILY = '/describe_scalp{"scalp_type": "oily"}'
#: The apologies as the client reads them (domain.yml).
ACTION_FAILED_TEXT = rendered(ACTION_FAILED)
NOT_TAKEN_TEXT = rendered(NOT_TAKEN)


@dataclass
class Stack:
    assistant: Assistant
    postgres: PrivatePostgres
    redis: PrivateRedis
    actions: ActionServer

    def say(self, sender: str, message: str) -> str:
        replies = self.assistant.say(sender, message)
        return "\n".join(reply.get("text") or "" for reply in replies)

    def log(self) -> str:
        assert self.assistant.log_path is not None
        return self.assistant.log_path.read_text(errors="replace")

    def stored_user_messages(self, sender: str) -> list[str]:
        engine = sa.create_engine(self.postgres.url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text(
                        "SELECT data FROM events WHERE sender_id = :sender "
                        "AND type_name = 'user' ORDER BY id"
                    ),
                    {"sender": sender},
                ).all()
        finally:
            engine.dispose()
        return [json.loads(row[0])["text"] for row in rows]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("faults")
    postgres, redis_server = PrivatePostgres(free_port()), PrivateRedis(free_port())
    action_port = free_port()
    token = secrets.token_urlsafe(16)
    env = {
        "TRACKER_DB_URL": postgres.url,
        "LOCK_STORE_TYPE": "redis",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis_server.port),
        "REDIS_DB": "1",
        "ACTION_PORT": str(action_port),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ACTION_SERVER_TOKEN": token,
    }
    # What scripts/run.sh gives its action server, for the one the test restarts.
    action_env = {
        "ACTION_SERVER_TOKEN": token,
        "SALON_DB_URL": f"sqlite:///{workdir / 'salon.db'}",
        "CHECKIN_DELAY_SECONDS": str(CHECKIN_DELAY_S),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    actions = ActionServer(action_port, action_env, workdir / "actions.log")
    try:
        postgres.start()
        redis_server.start()
        with running_assistant(workdir, env) as assistant:
            yield Stack(assistant, postgres, redis_server, actions)
    finally:
        actions.stop()
        redis_server.crash()
        postgres.remove()


def _sender(kind: str) -> str:
    return f"rest:fault-{kind}-{uuid.uuid4().hex[:10]}"


def test_action_server_killed_mid_form(stack: Stack) -> None:
    """An apology while it is down; the form goes on where it was once it is back."""
    sender = _sender("actions")
    assert ASK_CONCERNS in stack.say(sender, START)

    stack.actions.kill()
    try:
        reply = stack.say(sender, CONCERN)
        assert ACTION_FAILED_TEXT in reply
        assert ASK_SCALP_TYPE not in reply
    finally:
        stack.actions.start()

    # The user tries again, as asked: the form takes the answer and moves on.
    assert ASK_SCALP_TYPE in stack.say(sender, CONCERN)
    reply = stack.say(sender, OILY)
    assert ASK_SENSITIVE in reply
    assert ACTION_FAILED_TEXT not in reply
    assert stack.assistant.tracker(sender)["active_loop"]["name"] == "consultation_form"
    assert "the action(s) consultation_form failed" in stack.log()


def test_postgres_restarted_and_down(stack: Stack) -> None:
    """A restart goes unnoticed; while it is down the message is refused politely, not lost."""
    sender = _sender("postgres")
    assert ASK_CONCERNS in stack.say(sender, START)

    # Restarted between two messages: the pooled connections are dead.
    stack.postgres.crash()
    stack.postgres.start()
    assert ASK_SCALP_TYPE in stack.say(sender, CONCERN)

    # Down during a message: not answered from an empty in-memory conversation.
    stack.postgres.crash()
    try:
        assert stack.say(sender, OILY) == NOT_TAKEN_TEXT
    finally:
        stack.postgres.start()
    assert f"Tracker store unavailable while reading conversation {log_ref(sender)}" in stack.log()

    # Back: the form goes on from the last stored answer.
    assert ASK_SENSITIVE in stack.say(sender, OILY)
    # Every message the bot answered is stored once; the refused one is not.
    assert stack.stored_user_messages(sender) == [START, CONCERN, OILY]


def test_redis_restarted_and_down(stack: Stack) -> None:
    """A restart goes unnoticed; while it is down the message is refused politely."""
    sender = _sender("redis")
    assert ASK_CONCERNS in stack.say(sender, START)

    stack.redis.crash()
    stack.redis.start()
    assert ASK_SCALP_TYPE in stack.say(sender, CONCERN)

    stack.redis.crash()
    try:
        assert stack.say(sender, OILY) == NOT_TAKEN_TEXT
    finally:
        stack.redis.start()
    assert f"Message of conversation {log_ref(sender)} failed (LockError" in stack.log()

    assert ASK_SENSITIVE in stack.say(sender, OILY)
    assert stack.stored_user_messages(sender) == [START, CONCERN, OILY]
