"""The salon's channels: Rasa's own, with what a salon needs on top.

Every channel here caps the message length (``addons/message_limits.py``): a very
long message is shortened, red-flagged sentences kept, and the user told so. And
when a part of the assistant fails (the action server, the tracker or lock store),
the user gets a polite apology instead of silence (``addons/faults.py``).

- ``RestInput``: Rasa's REST channel with that cap.

``credentials.yml`` names these classes; each keeps the name (and so the webhook
path ``/webhooks/<name>/webhook`` and the ``channel:`` response variations) of the
Rasa channel it extends.

- ``SocketIOInput``: the website widget. Rasa 3.6 creates its socket.io server with
  ``cors_allowed_origins=[]``, which switches python-socketio's origin check off
  (any site could open a WebSocket to it); this one checks the page's origin
  against ``cors_allowed_origins``.
- ``TelegramInput``: Telegram has buttons; this one only fixes the HTTP session
  Rasa leaves bound to a closed event loop and takes an ``api_url`` (a self-hosted
  Bot API server, or a test double).
- ``TwilioInput``: WhatsApp through Twilio. Rasa's channel does not check
  ``X-Twilio-Signature`` and drops buttons; this one refuses unsigned requests,
  sends buttons as numbered choices and reads a reply "2" as the second choice.
- ``FacebookInput``: Messenger. Rasa's channel drops all buttons when there are
  more than three; this one sends them as quick replies (numbered when a title is
  longer than Messenger shows), reads a typed number as that choice, and checks the
  signature with ``X-Hub-Signature-256`` too, in constant time.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger, MessengerBot
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from addons import faults, message_limits

logger = logging.getLogger(__name__)

#: Messenger shows at most 13 quick replies, each title at most 20 characters.
MESSENGER_MAX_QUICK_REPLIES = 13
MESSENGER_MAX_TITLE = 20
CHOICE_HINT = "Reply with the number of your choice."
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def numbered_choices(text: str, buttons: Sequence[dict[str, Any]]) -> str:
    """The text followed by the buttons as a numbered list, for channels without buttons."""
    lines = [f"{number}. {button.get('title', '')}" for number, button in enumerate(buttons, 1)]
    return "\n".join([text.strip(), *lines, CHOICE_HINT])


def choice_payload(text: str | None, events: Iterable[Event]) -> str | None:
    """The payload a numbered reply picks, or None when the reply is not a valid number.

    Looks at the bot's messages since the user's previous message (newest first)
    for the last one with buttons; "2" picks its second button.
    """
    match = _CHOICE.match(text or "")
    if not match:
        return None
    number = int(match.group(1))
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            buttons = event.data["buttons"]
            if 1 <= number <= len(buttons):
                return str(buttons[number - 1].get("payload") or buttons[number - 1]["title"])
            return None
    return None


async def resolve_choice(request: Request, sender_id: str, text: str | None) -> str | None:
    """Replace a numbered reply with the payload of the choice it picks, from the tracker."""
    agent = getattr(request.app.ctx, "agent", None)
    if text is None or agent is None or agent.tracker_store is None or not _CHOICE.match(text):
        return text
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return text
    return choice_payload(text, tracker.events) or text


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def cap_length(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap Rasa's message handler: shorten an over-long message and say so first."""

    async def handle(message: UserMessage) -> Any:
        if isinstance(message.text, str):
            text, note = message_limits.shorten(message.text)
            if note is not None:
                logger.info("shortened a message of %d characters", len(message.text))
                message.text = text
                await message.output_channel.send_text_message(message.sender_id, note)
        return await on_new_message(message)

    return handle


def salon_handler(on_new_message: OnNewMessage) -> OnNewMessage:
    """Rasa's message handler as every salon channel uses it.

    Length-capped, and with a polite answer instead of silence when a part of the
    assistant fails (``addons/faults.py``).
    """
    return faults.answer_faults(cap_length(on_new_message))


class RestInput(RasaRestInput):
    """Rasa's REST channel (``/webhooks/rest/webhook``) with the length cap."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint around the capped handler."""
        return super().blueprint(salon_handler(on_new_message))


def _origins(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(origin for origin in re.split(r"[\s,]+", value) if origin)
    return tuple(str(origin) for origin in value or [])


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with the allowed page origins enforced."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's settings plus ``cors_allowed_origins`` (a list or a space-separated string)."""
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SocketIOInput)
        channel.allowed_origins = _origins(credentials.get("cors_allowed_origins"))
        return channel

    allowed_origins: tuple[str, ...] = ()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint (length-capped); then only the allowed origins may connect."""
        blueprint = super().blueprint(salon_handler(on_new_message))
        if self.sio is not None and self.allowed_origins:
            engine = self.sio.eio
            # Rasa passes [] ("no CORS handling at all"). With a list, engine.io
            # refuses a connection whose Origin header is not in it, WebSocket and
            # polling alike.
            engine.cors_allowed_origins = list(self.allowed_origins)
            # ... but it would also add its own CORS headers, and Sanic-CORS (Rasa's
            # --cors) already adds them to every response: browsers reject a
            # response with the header twice, which breaks the polling transport.
            engine._cors_headers = lambda environ: []
        return blueprint


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output, talking to ``api_url``."""

    def __init__(self, access_token: str | None, api_url: str | None = None) -> None:
        """Create the bot; ``api_url`` defaults to Telegram's own Bot API server."""
        super().__init__(access_token)
        if api_url:
            self.server = TelegramAPIServer.from_base(api_url)


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram channel with a configurable API server."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's settings plus ``api_url``."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, TelegramInput) and credentials
        channel.api_url = credentials.get("api_url") or None
        return channel

    api_url: str | None = None

    def get_output_channel(self) -> TelegramOutput:
        """Register the webhook with Telegram and return the output channel.

        Rasa's version does this with ``asyncio.run`` before the server's loop starts
        and keeps the HTTP session bound to that closed loop; close it here so that
        the first reply opens a new one on the server's loop.
        """
        channel = TelegramOutput(self.access_token, self.api_url)

        async def register() -> None:
            try:
                await channel.set_webhook(url=self.webhook_url)
            finally:
                await channel.session.close()

        try:
            asyncio.run(register())
        except Exception as error:
            raise RasaException(f"Failed to set channel webhook: {error}") from error
        return channel

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint around the length-capped handler."""
        return super().blueprint(salon_handler(on_new_message))


class TwilioOutput(RasaTwilioOutput):
    """Rasa's Twilio output: buttons as numbered choices, sent without blocking the loop."""

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        api_url: str | None = None,
    ) -> None:
        """Create the client; ``api_url`` defaults to Twilio's own API."""
        super().__init__(account_sid, auth_token, twilio_number)
        if api_url:
            self.api.base_url = api_url.rstrip("/")

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except TwilioRestException as error:
            logger.error("Twilio refused a message: %s", error.msg)
            return None

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """WhatsApp messages from Twilio have no buttons: number the choices."""
        await self.send_text_message(recipient_id, numbered_choices(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are buttons too."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class TwilioInput(RasaTwilioInput):
    """Rasa's Twilio channel that checks Twilio's signature and reads numbered replies."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's settings plus ``webhook_url`` (the signed public URL) and ``api_url``."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        credentials = credentials or {}
        channel = cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            debug_mode=False,
        )
        channel.webhook_url = credentials.get("webhook_url") or None
        channel.api_url = credentials.get("api_url") or None
        return channel

    webhook_url: str | None = None
    api_url: str | None = None

    def get_output_channel(self) -> OutputChannel:
        """The output channel with numbered choices."""
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_url)

    def is_signed(self, request: Request) -> bool:
        """Whether ``X-Twilio-Signature`` matches the URL and the form (Twilio's scheme)."""
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.auth_token:
            return False
        url = self.webhook_url or request.url
        params = {key: values[0] for key, values in request.form.items()}
        return bool(RequestValidator(self.auth_token).validate(url, params, signature))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``/webhooks/twilio/webhook``: signed form posts from Twilio (length-capped)."""
        on_new_message = salon_handler(on_new_message)
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_signed(request):
                logger.warning("Twilio webhook: missing or wrong X-Twilio-Signature")
                return response.text("invalid signature", status=403)
            sender = request.form.get("From")
            text = request.form.get("Body")
            if self._is_location_message(request):
                text = "/locationData{{'Latitude': {lat},'Longitude': {long}}}".format(
                    lat=request.form.get("Latitude"), long=request.form.get("Longitude")
                )
            if not sender or text is None:
                return response.text("", status=204)
            text = await resolve_choice(request, sender, text.replace("¡", "@"))
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        self.get_output_channel(),
                        sender,
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:
                logger.exception("Twilio webhook: the message could not be handled")
            return response.text("", status=204)

        return twilio_webhook


class SalonMessengerBot(MessengerBot):
    """Messenger output: buttons as quick replies, numbered when titles are too long."""

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies (up to 13); numbered in the text when a title would be cut."""
        buttons = buttons[:MESSENGER_MAX_QUICK_REPLIES]
        if all(len(str(button.get("title", ""))) <= MESSENGER_MAX_TITLE for button in buttons):
            replies = [
                {"content_type": "text", "title": b["title"], "payload": b["payload"]}
                for b in buttons
            ]
        else:
            text = numbered_choices(text, buttons)
            replies = [
                {"content_type": "text", "title": str(number), "payload": b["payload"]}
                for number, b in enumerate(buttons, 1)
            ]
        await self.send_quick_replies(recipient_id, text, replies)


class SalonMessenger(Messenger):
    """Rasa's Messenger webhook handler, with the salon's output and a typed number read."""

    def __init__(
        self,
        page_access_token: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        graph_url: str | None,
        request: Request,
    ) -> None:
        """Create the handler for one webhook request."""
        super().__init__(page_access_token, on_new_message)
        if graph_url:
            self.client.graph_url = graph_url.rstrip("/")
        self.request = request

    async def _handle_user_message(
        self, text: str, sender_id: str, metadata: dict[str, Any] | None
    ) -> None:
        text = await resolve_choice(self.request, sender_id, text) or text
        out_channel = SalonMessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        user_message = UserMessage(
            text, out_channel, sender_id, input_channel=self.name(), metadata=metadata
        )
        try:
            await self.on_new_message(user_message)
        except Exception:
            logger.exception("Messenger webhook: the message could not be handled")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


def is_signed_by_meta(app_secret: str | None, request: Request) -> bool:
    """Whether the body carries the app secret's HMAC, compared in constant time.

    Meta sends ``X-Hub-Signature-256`` and the older SHA-1 ``X-Hub-Signature``.
    """
    for header, algorithm in (("X-Hub-Signature-256", "sha256"), ("X-Hub-Signature", "sha1")):
        value = request.headers.get(header)
        if value is None:
            continue
        prefix, _, signature = value.partition("=")
        if prefix != algorithm or not app_secret:
            return False
        expected = hmac.new(app_secret.encode(), request.body, algorithm).hexdigest()
        return hmac.compare_digest(expected, signature)
    return False


class FacebookInput(RasaFacebookInput):
    """Rasa's Messenger channel with quick replies, numbered choices and ``graph_url``."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's settings plus ``graph_url``."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, FacebookInput) and credentials
        channel.graph_url = credentials.get("graph_url") or None
        return channel

    graph_url: str | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``/webhooks/facebook/webhook``: verification and signed events (length-capped)."""
        on_new_message = salon_handler(on_new_message)
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge"))
            logger.warning("Messenger webhook: wrong verify token")
            return response.text("failure, invalid token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not is_signed_by_meta(self.fb_secret, request):
                logger.warning("Messenger webhook: missing or wrong X-Hub-Signature")
                return response.text("not validated", status=403)
            messenger = SalonMessenger(
                self.fb_access_token, on_new_message, self.graph_url, request
            )
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        return fb_webhook
