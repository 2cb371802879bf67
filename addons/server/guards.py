"""What every channel does to a message before Rasa reads it.

The sender is stored under the channel's prefix (``addons/server/session_ids.py``), a
message over the length cap is shortened (``addons/server/message_limits.py``), a message
without text (a photo, a sticker, a voice note) is asked to be typed, a burst
from one sender or one address is answered politely instead of handled, and a failing
part of the assistant is answered with an apology (``addons/server/faults.py``).
:mod:`addons.server.channels` wraps each channel's handler with :func:`salon_handler`.
What these say is worded by the domain's responses (``utter_server_...``,
``addons/server/replies.py``).
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from addons.server import faults, message_limits, session_ids
from addons.server.replies import agent_domain, worded
from scalpcare.contract import Referral
from scalpcare.phrases import Value, joined, phrase
from scalpcare.referral import referral_message
from scalpcare.triage import screen

logger = logging.getLogger(__name__)


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
#: Request bodies (REST, webhooks) and socket.io messages are refused above this many
#: bytes (``REQUEST_MAX_BYTES``): in line with the message cap (``MESSAGE_MAX_CHARS``,
#: 2,000 characters), with room for a message of 10,000 characters even when every
#: character is JSON-escaped (an emoji is 12 bytes as ``\ud83d\ude00``).
DEFAULT_REQUEST_MAX_BYTES = 131072


def request_max_bytes() -> int:
    """``$REQUEST_MAX_BYTES`` when it is a sensible number, else 128 KiB."""
    try:
        value = int(os.environ.get("REQUEST_MAX_BYTES", DEFAULT_REQUEST_MAX_BYTES))
    except ValueError:
        return DEFAULT_REQUEST_MAX_BYTES
    return value if value >= 4096 else DEFAULT_REQUEST_MAX_BYTES


def cap_length(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap Rasa's message handler: shorten an over-long message and say so first."""

    async def handle(message: UserMessage) -> Any:
        if isinstance(message.text, str):
            text, note = message_limits.shorten(message.text)
            if note is not None:
                logger.info("shortened a message of %d characters", len(message.text))
                message.text = text
                said = worded(note, message.input_channel)
                await message.output_channel.send_response(message.sender_id, {"text": said})
        return await on_new_message(message)

    return handle


#: To a sender (or an address) over its rate.
RATE_LIMITED = phrase("utter_server_rate_limited")


class RateLimiter:
    """Token buckets by key (a sender, an address): ``burst`` at once, then ``per_minute``.

    In memory, per process, the ``max_keys`` most recent keys (a replica limits what
    reaches it; nginx limits each address in front of the replicas).
    """

    def __init__(self, burst: int, per_minute: float, max_keys: int = 10000) -> None:
        """A limiter that lets ``burst`` through at once and ``per_minute`` after."""
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take a token for ``key``; False when its bucket is empty."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed


def _limit_setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def sender_limiter() -> RateLimiter:
    """Messages per sender: ``RATE_LIMIT_SENDER_BURST`` (8), ``..._PER_MINUTE`` (20)."""
    return RateLimiter(
        int(_limit_setting("RATE_LIMIT_SENDER_BURST", 8)),
        _limit_setting("RATE_LIMIT_SENDER_PER_MINUTE", 20),
    )


def address_limiter() -> RateLimiter:
    """Webhook requests per address: ``RATE_LIMIT_ADDRESS_BURST`` (30), ``..._PER_MINUTE`` (120)."""
    return RateLimiter(
        int(_limit_setting("RATE_LIMIT_ADDRESS_BURST", 30)),
        _limit_setting("RATE_LIMIT_ADDRESS_PER_MINUTE", 120),
    )


def limit_rate(on_new_message: OnNewMessage, limiter: RateLimiter) -> OnNewMessage:
    """Wrap Rasa's message handler: a sender over its rate gets a polite note, nothing else."""

    async def handle(message: UserMessage) -> Any:
        if not limiter.allow(str(message.sender_id)):
            logger.info("rate limit: a message was not handled")
            text = worded(rate_limited_reply(message.text), message.input_channel)
            await message.output_channel.send_response(message.sender_id, {"text": text})
            return None
        return await on_new_message(message)

    return handle


def rate_limited_reply(text: str | None) -> Value:
    """The note for a message over the rate, with the referral first if it has a red flag.

    A refused message is not read by Rasa, so a red flag in it would go unanswered: the
    rule screener (no model, a few milliseconds) reads it here, and a ``dermatologist`` or
    ``urgent`` finding gets its referral before the note (what the user wrote is not quoted:
    the message is not stored). A deficiency hint waits for the message to be sent again.

    Returns:
        The reply as a phrase (the referral and the note a blank line apart).
    """
    level = screen(message_limits.shorten(text or "")[0]).level if text else Referral.NONE
    if level.rank < Referral.DERMATOLOGIST.rank:
        return RATE_LIMITED
    return joined([referral_message(level, []), RATE_LIMITED], "\n\n")


#: To a message with no text: a photo, a sticker, a voice note, or nothing at all.
TEXT_ONLY = phrase("utter_server_text_only")


def has_text(text: str | None) -> bool:
    """Is there anything to read in the message (pure)?

    An empty or blank message is what the channels pass on for a photo, a sticker or a
    voice note sent without a caption (``addons/server/messaging_apps.py``), and what an
    empty REST or widget message is.
    """
    return isinstance(text, str) and bool(text.strip())


def answer_no_text(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap Rasa's message handler: a message with no text gets "please type it".

    Rasa would read an empty message as something out of its scope; it is not stored, and
    an open question (a form's) stays open for the typed answer.
    """

    async def handle(message: UserMessage) -> Any:
        if not has_text(message.text):
            logger.info("a message without text was answered with the text-only note")
            text = worded(TEXT_ONLY, message.input_channel)
            await message.output_channel.send_response(message.sender_id, {"text": text})
            return None
        return await on_new_message(message)

    return handle


def prefix_sender(on_new_message: OnNewMessage, channel: str) -> OnNewMessage:
    """Wrap Rasa's message handler: store the conversation under the channel's prefix."""

    async def handle(message: UserMessage) -> Any:
        message.sender_id = session_ids.prefixed(channel, str(message.sender_id))
        return await on_new_message(message)

    return handle


def salon_handler(on_new_message: OnNewMessage, channel: str) -> OnNewMessage:
    """Rasa's message handler as every salon channel uses it.

    Stored under the channel's prefix, rate-limited per sender, length-capped, a message
    without text (a photo, a sticker, a voice note) asked to be typed, and with a polite
    answer instead of silence when a part of the assistant fails
    (``addons/server/faults.py``).
    """
    limited = limit_rate(answer_no_text(cap_length(on_new_message)), sender_limiter())
    return faults.answer_faults(prefix_sender(limited, channel))


def limit_addresses(blueprint: Blueprint) -> Blueprint:
    """Answer 429 to an address that sends the blueprint's webhooks too fast."""
    limiter = address_limiter()

    @blueprint.middleware("request")
    async def per_address(request: Request) -> HTTPResponse | None:
        address = request.remote_addr or request.ip or "unknown"
        if request.method == "POST" and not limiter.allow(address):
            text = worded(RATE_LIMITED, domain=agent_domain(request.app))
            return response.json({"error": text}, status=429)
        return None

    return blueprint
