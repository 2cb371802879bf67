"""A message without text (a photo, a sticker, a voice note, nothing) is asked to be typed.

addons/server/guards.py answer_no_text answers it on every channel; the messaging apps'
channels (addons/server/messaging_apps.py) pass such a message on as one without text
instead of dropping it (Telegram) or typing out the attachment's address (Messenger).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from addons.server.guards import TEXT_ONLY, answer_no_text, has_text, salon_handler
from addons.server.messaging_apps import (
    form_values,
    messenger_attachment_only,
    read_telegram_media,
)
from scalpcare.phrases import phrase
from tests.replies import reply

NOTE = reply("utter_server_text_only")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi", True),
        ("  my scalp itches ", True),
        ("👍", True),
        ("", False),
        ("   \n\t", False),
        (None, False),
    ],
)
def test_has_text(text: str | None, expected: bool) -> None:
    assert has_text(text) is expected


def test_the_note_is_the_domains_response() -> None:
    assert phrase("utter_server_text_only") == TEXT_ONLY
    assert "only read text" in NOTE


def _handle(text: str | None, handler: Any = None) -> tuple[list[str], list[str]]:
    handled: list[str] = []

    async def rasa(message: UserMessage) -> None:
        handled.append(message.text or "")

    handle = handler(rasa) if handler else answer_no_text(rasa)
    channel = CollectingOutputChannel()
    asyncio.run(handle(UserMessage(text, channel, "s1", input_channel="rest")))
    return handled, [m["text"] for m in channel.messages]


@pytest.mark.parametrize("text", ["", "  ", None])
def test_a_message_without_text_gets_the_note_and_is_not_read(text: str | None) -> None:
    handled, said = _handle(text)
    assert handled == []
    assert said == [NOTE]


def test_a_message_with_text_is_read_as_before() -> None:
    handled, said = _handle("my roots get oily by day 2")
    assert handled == ["my roots get oily by day 2"]
    assert said == []


def test_every_channel_handler_answers_a_message_without_text() -> None:
    handled, said = _handle("", lambda rasa: salon_handler(rasa, "rest"))
    assert handled == []
    assert said == [NOTE]


def _telegram(message: dict[str, Any], key: str = "message") -> dict[str, Any]:
    base = {"message_id": 1, "chat": {"id": 7, "type": "private"}, "date": 0}
    return {"update_id": 1, key: {**base, **message}}


@pytest.mark.parametrize(
    ("update", "text"),
    [
        # A photo, a sticker, a voice note, a document without a caption: no text.
        (_telegram({"photo": [{"file_id": "a", "width": 1, "height": 1}]}), ""),
        (_telegram({"sticker": {"file_id": "s", "width": 1, "height": 1}}), ""),
        (_telegram({"voice": {"file_id": "v", "duration": 3}}), ""),
        (_telegram({"document": {"file_id": "d"}}), ""),
        # A caption is what the client typed.
        (
            _telegram({"photo": [{"file_id": "a"}], "caption": "is this dandruff?"}),
            "is this dandruff?",
        ),
        (_telegram({"photo": [{"file_id": "a"}], "caption": "oily"}, "edited_message"), "oily"),
        # Text stays text.
        (_telegram({"text": "hi"}), "hi"),
    ],
)
def test_read_telegram_media(update: dict[str, Any], text: str) -> None:
    read_telegram_media(update)
    message = update.get("message") or update.get("edited_message")
    assert message["text"] == text


def test_a_telegram_location_and_a_button_keep_rasas_reading() -> None:
    location = _telegram({"location": {"latitude": 1.0, "longitude": 2.0}})
    read_telegram_media(location)
    assert "text" not in location["message"]
    button = {"update_id": 1, "callback_query": {"id": "1", "data": "/affirm"}}
    read_telegram_media(button)
    assert button == {"update_id": 1, "callback_query": {"id": "1", "data": "/affirm"}}
    read_telegram_media("not json")  # a malformed body is left to Rasa's channel


def _attachment(kind: str) -> dict[str, Any]:
    return {"type": kind, "payload": {"url": f"https://cdn.example/{kind}"}}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"message": {"mid": "m", "attachments": [_attachment("image")]}}, True),
        ({"message": {"mid": "m", "attachments": [_attachment("audio")]}}, True),
        ({"message": {"mid": "m", "attachments": [_attachment("location")]}}, True),
        # A sticker is an image with a sticker id.
        (
            {
                "message": {
                    "mid": "m",
                    "sticker_id": 369239263222822,
                    "attachments": [_attachment("image")],
                }
            },
            True,
        ),
        # Text, a quick reply, the page's own echo, a postback: Rasa's reading.
        ({"message": {"mid": "m", "text": "hi"}}, False),
        ({"message": {"mid": "m", "text": "2", "quick_reply": {"payload": "/affirm"}}}, False),
        ({"message": {"mid": "m", "is_echo": True, "attachments": [_attachment("image")]}}, False),
        ({"postback": {"payload": "/greet"}}, False),
        ({"message": {"mid": "m"}}, False),
    ],
)
def test_messenger_attachment_only(event: dict[str, Any], expected: bool) -> None:
    assert messenger_attachment_only(event) is expected


class _FormRequest:
    """What form_values reads of a Sanic request."""

    def __init__(self, body: str, content_type: str = "application/x-www-form-urlencoded"):
        self.body = body.encode()
        self.headers = {"content-type": content_type}
        self.form: dict[str, list[str]] = {}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A WhatsApp voice note: Body is blank, and Twilio's signature covers it.
        (
            "Body=&NumMedia=1&From=whatsapp%3A%2B4477",
            {"Body": "", "NumMedia": "1", "From": "whatsapp:+4477"},
        ),
        ("Body=hi+there&From=x", {"Body": "hi there", "From": "x"}),
        ("Body=a&Body=b", {"Body": "a"}),
    ],
)
def test_form_values_keep_blank_fields(body: str, expected: dict[str, str]) -> None:
    assert form_values(_FormRequest(body)) == expected  # type: ignore[arg-type]


def test_a_signed_voice_note_with_a_blank_body_passes_the_signature_check() -> None:
    from twilio.request_validator import RequestValidator

    url = "https://salon.example/webhooks/twilio/webhook"
    params = {"Body": "", "NumMedia": "1", "From": "whatsapp:+4477"}
    signature = RequestValidator("token").compute_signature(url, params)
    request = _FormRequest("Body=&NumMedia=1&From=whatsapp%3A%2B4477")
    assert RequestValidator("token").validate(url, form_values(request), signature)  # type: ignore[arg-type]
