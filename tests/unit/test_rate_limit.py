"""addons.server.guards: a message over the rate gets a note, and its referral if it needs one."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from addons.server.guards import RATE_LIMITED, RateLimiter, limit_rate, rate_limited_reply
from scalpcare import referral


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        (
            "my scalp is bleeding and there's pus and i have a fever",
            "What you describe needs medical care now",
        ),
        (
            "i have thick silvery plaques on my scalp",
            "What you describe is something a dermatologist",
        ),
        ("hi", RATE_LIMITED),
        ("my roots get oily by day 2", RATE_LIMITED),
        ("", RATE_LIMITED),
        (None, RATE_LIMITED),
        # a deficiency hint is no referral to give in a refusal: it waits for the resend
        ("my ferritin is 8", RATE_LIMITED),
    ],
)
def test_rate_limited_reply(text: str | None, starts: str) -> None:
    reply = rate_limited_reply(text)
    assert reply.startswith(starts)
    assert reply.endswith(RATE_LIMITED)


def test_a_refused_red_flag_still_gets_its_referral() -> None:
    handled: list[str] = []

    async def rasa(message: UserMessage) -> None:
        handled.append(message.text or "")

    handle = limit_rate(rasa, RateLimiter(burst=1, per_minute=0.001))
    channel = CollectingOutputChannel()
    asyncio.run(handle(UserMessage("hi", channel, "s1")))
    asyncio.run(handle(UserMessage("there's a spreading red swelling and pus", channel, "s1")))
    assert handled == ["hi"]
    # Rasa's channels send each paragraph as its own message: the referral, then the note.
    *referral_part, note = [m["text"] for m in channel.messages]
    assert "\n\n".join(referral_part) == referral.referral_message(referral.Referral.URGENT, [])
    assert note == RATE_LIMITED
