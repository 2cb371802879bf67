"""addons.server.guards: a message over the rate gets a note, and its referral if it needs one."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from addons.server.guards import RATE_LIMITED, RateLimiter, limit_rate, rate_limited_reply
from scalpcare import referral
from scalpcare.phrases import phrase
from tests.replies import rendered, reply

NOTE = reply("utter_server_rate_limited")


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
        ("hi", NOTE),
        ("my roots get oily by day 2", NOTE),
        ("", NOTE),
        (None, NOTE),
        # a deficiency hint is no referral to give in a refusal: it waits for the resend
        ("my ferritin is 8", NOTE),
    ],
)
def test_rate_limited_reply(text: str | None, starts: str) -> None:
    text_sent = rendered(rate_limited_reply(text))
    assert text_sent.startswith(starts)
    assert text_sent.endswith(NOTE)


def test_the_note_is_the_domains_response() -> None:
    assert rate_limited_reply("hi") == RATE_LIMITED == phrase("utter_server_rate_limited")


def test_the_referral_comes_a_blank_line_before_the_note() -> None:
    flagged = "my scalp is bleeding and there's pus and i have a fever"
    urgent = rendered(referral.referral_message(referral.Referral.URGENT, []))
    assert rendered(rate_limited_reply(flagged)) == urgent + "\n\n" + NOTE


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
    assert "\n\n".join(referral_part) == rendered(
        referral.referral_message(referral.Referral.URGENT, [])
    )
    assert note == NOTE
