"""addons.server.replies: the server's own replies, worded by the running domain."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from sanic import Blueprint

from addons.server import choices, faults, guards, message_limits, replies
from scalpcare.phrases import Value, names
from tests.replies import rendered, responses

AGENT = Domain.from_dict(
    {
        "responses": {
            "utter_server_rate_limited": [
                {"text": "Slow down, please."},
                {"text": "One at a time on WhatsApp, please.", "channel": "twilio"},
            ],
            "utter_server_choice_hint": [{"text": "Only for Messenger.", "channel": "facebook"}],
        }
    }
)


@pytest.fixture
def running_agent(monkeypatch: pytest.MonkeyPatch) -> Domain:
    """The server runs an agent with :data:`AGENT`'s domain."""
    monkeypatch.setattr(replies, "agent_domain", lambda app=None: AGENT)
    return AGENT


@pytest.mark.parametrize(
    ("channel", "name", "expected"),
    [
        (None, "utter_server_rate_limited", "Slow down, please."),
        ("rest", "utter_server_rate_limited", "Slow down, please."),
        ("twilio", "utter_server_rate_limited", "One at a time on WhatsApp, please."),
        ("facebook", "utter_server_choice_hint", "Only for Messenger."),
        # the agent's domain has only another channel's variation: domain.yml's
        (None, "utter_server_choice_hint", rendered(choices.CHOICE_HINT)),
        # a response the agent's domain lacks (a model trained before it): domain.yml's
        ("twilio", "utter_server_action_failed", rendered(faults.ACTION_FAILED)),
    ],
)
def test_the_agents_domain_first_the_channels_variation_preferred(
    running_agent: Domain, channel: str | None, name: str, expected: str
) -> None:
    assert replies.server_lookup(channel)(name) == expected


def test_without_an_agent_domain_yml_words_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replies, "agent_domain", lambda app=None: None)
    for value in (guards.RATE_LIMITED, faults.NOT_TAKEN, message_limits.notice(5000, 2000, True)):
        assert replies.worded(value) == rendered(value)


def test_an_unknown_response_is_an_error() -> None:
    with pytest.raises(KeyError):
        replies.server_lookup()("utter_server_no_such_reply")


def test_the_agent_is_found_on_the_app() -> None:
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=AGENT)))
    assert replies.agent_domain(app) is AGENT
    not_ready = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=None)))
    assert replies.agent_domain(not_ready) is None


def test_a_rate_limited_sender_is_answered_for_its_channel(running_agent: Domain) -> None:
    async def rasa(message: UserMessage) -> None:
        pass

    handle = guards.limit_rate(rasa, guards.RateLimiter(burst=1, per_minute=0.001))
    channel = CollectingOutputChannel()
    for _ in range(2):
        asyncio.run(handle(UserMessage("hi", channel, "s1", input_channel="twilio")))
    assert [m["text"] for m in channel.messages] == ["One at a time on WhatsApp, please."]


def test_a_fast_address_gets_429_with_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_ADDRESS_BURST", "1")
    blueprint = guards.limit_addresses(Blueprint("limited"))
    middleware = blueprint._future_middleware[0].middleware
    request = SimpleNamespace(
        remote_addr="203.0.113.9", ip="203.0.113.9", method="POST", app=SimpleNamespace()
    )
    assert asyncio.run(middleware(request)) is None
    refused = asyncio.run(middleware(request))
    assert refused is not None and refused.status == 429
    assert json.loads(refused.body) == {"error": rendered(guards.RATE_LIMITED)}


PHRASES: list[Value] = [
    guards.RATE_LIMITED,
    faults.ACTION_FAILED,
    faults.NOT_TAKEN,
    choices.CHOICE_HINT,
    *choices.choice_lines([{"title": "Yes"}]),
    message_limits.notice(2001, 2000, False),
    message_limits.notice(2001, 2000, True),
]


@pytest.mark.parametrize("value", PHRASES)
def test_every_server_phrase_is_in_the_domain(value: Value) -> None:
    for name in names(value):
        assert name.startswith("utter_server_") and name in responses()
    text = rendered(value)
    assert text and "{" not in text


@pytest.mark.parametrize(
    ("text", "buttons", "expected"),
    [
        ("Pick one ", [{"title": "Yes"}, {"title": "No"}], ["Pick one", "1. Yes", "2. No"]),
        ("", [{"payload": "/x"}], ["", "1. "]),
        ("Braces", [{"title": "{title}"}], ["Braces", "1. {title}"]),
    ],
)
def test_numbered_choices(text: str, buttons: list[dict[str, Any]], expected: list[str]) -> None:
    assert choices.numbered_choices(text, buttons).split("\n") == [
        *expected,
        rendered(choices.CHOICE_HINT),
    ]
