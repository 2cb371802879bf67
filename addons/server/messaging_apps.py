"""The messaging apps' channels: Telegram, WhatsApp (through Twilio) and Messenger.

Each does what every salon channel does (``addons/server/channels.py``: its own id
prefix, the length cap, rate limits, fault answers) and fixes what Rasa's own channel
lacks:

- ``TelegramInput``: Telegram has buttons; this one registers the webhook with a
  secret token and refuses updates without it, fixes the HTTP session Rasa leaves bound
  to a closed event loop, takes an ``api_url`` (a self-hosted Bot API server, or a
  test double) and reads a photo's caption as its text (a photo, sticker or voice note
  without one is a message without text, which Rasa's channel would leave unanswered).
- ``TwilioInput``: WhatsApp through Twilio. Rasa's channel does not check
  ``X-Twilio-Signature`` and drops buttons; this one refuses unsigned requests,
  sends buttons as numbered choices and reads a reply "2" as the second choice. A photo
  or voice note comes with an empty ``Body``: its signature is checked with that blank
  field (Sanic's form drops it), and it is a message without text.
- ``FacebookInput``: Messenger. Rasa's channel drops all buttons when there are
  more than three; this one sends them as quick replies (numbered when a title is
  longer than Messenger shows), reads a typed number as that choice, and checks the
  signature with ``X-Hub-Signature-256`` too, in constant time. An attachment without
  text is a message without text, not its address typed out.

Every channel asks for a typed message when one comes without text
(``addons/server/guards.py`` answer_no_text).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger, MessengerBot
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from addons.server import session_ids
from addons.server.channels import UnprefixedOutput
from addons.server.choices import (
    MESSENGER_MAX_QUICK_REPLIES,
    MESSENGER_MAX_TITLE,
    numbered_choices,
    resolve_choice,
)
from addons.server.guards import (
    OnNewMessage,
    limit_addresses,
    salon_handler,
)

logger = logging.getLogger(__name__)


class TelegramOutput(UnprefixedOutput, RasaTelegramOutput):
    """Rasa's Telegram output, talking to ``api_url``, replying to the chat's own id."""

    def __init__(self, access_token: str | None, api_url: str | None = None) -> None:
        """Create the bot; ``api_url`` defaults to Telegram's own Bot API server."""
        RasaTelegramOutput.__init__(self, access_token)
        if api_url:
            self.server = TelegramAPIServer.from_base(api_url)


def telegram_secret(access_token: str | None, configured: str | None = None) -> str:
    """The webhook's secret token: ``TELEGRAM_SECRET_TOKEN``, else derived from the bot token.

    Telegram sends it back in ``X-Telegram-Bot-Api-Secret-Token`` with every update
    (Bot API ``setWebhook``'s ``secret_token``: 1-256 characters of ``A-Za-z0-9_-``).
    """
    if configured and re.fullmatch(r"[A-Za-z0-9_-]{1,256}", configured):
        return configured
    key = (access_token or secrets.token_hex(16)).encode()
    return hmac.new(key, b"scalp-care telegram webhook", "sha256").hexdigest()


def read_telegram_media(update: Any) -> None:
    """Give a Telegram message without text the text Rasa's channel reads (in place).

    Rasa's channel drops a photo, a sticker, a voice note or a document without a word:
    the client would hear nothing back. Its caption is what the client typed; without
    one the text is empty, and the salon's handler asks for a typed message
    (``addons/server/guards.py`` answer_no_text). A location keeps Rasa's reading.
    """
    if not isinstance(update, dict):
        return
    for key in ("message", "edited_message"):
        message = update.get(key)
        if not isinstance(message, dict) or "text" in message or "location" in message:
            continue
        caption = message.get("caption")
        message["text"] = caption if isinstance(caption, str) else ""


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram channel: a secret-token webhook, a configurable API server."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's settings plus ``api_url`` and ``secret_token``."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, TelegramInput) and credentials
        channel.api_url = credentials.get("api_url") or None
        channel.secret_token = telegram_secret(
            channel.access_token, credentials.get("secret_token") or None
        )
        return channel

    api_url: str | None = None
    secret_token: str = ""

    def get_output_channel(self) -> TelegramOutput:
        """Register the webhook (with its secret token) with Telegram; return the output.

        Rasa's version does this with ``asyncio.run`` before the server's loop starts
        and keeps the HTTP session bound to that closed loop; close it here so that
        the first reply opens a new one on the server's loop.
        """
        channel = TelegramOutput(self.access_token, self.api_url)

        async def register() -> None:
            try:
                payload = {"url": self.webhook_url, "secret_token": self.secret_token}
                await channel.request("setWebhook", payload)
            finally:
                await channel.session.close()

        try:
            asyncio.run(register())
        except Exception as error:
            raise RasaException(f"Failed to set channel webhook: {error}") from error
        return channel

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint around the salon's handler; only Telegram's signed updates pass."""
        blueprint = super().blueprint(salon_handler(on_new_message, self.name()))
        secret = self.secret_token

        @blueprint.middleware("request")
        async def signed(request: Request) -> HTTPResponse | None:
            if request.path.endswith("/set_webhook"):
                # Rasa's route would let anyone point the bot at another URL.
                return response.text("not available", status=404)
            if request.method != "POST":
                return None
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                logger.warning("Telegram webhook: missing or wrong secret token")
                return response.text("invalid secret token", status=403)
            read_telegram_media(request.json)
            return None

        return limit_addresses(blueprint)


class TwilioOutput(UnprefixedOutput, RasaTwilioOutput):
    """Rasa's Twilio output: buttons as numbered choices, sent without blocking the loop."""

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        api_url: str | None = None,
    ) -> None:
        """Create the client; ``api_url`` defaults to Twilio's own API."""
        RasaTwilioOutput.__init__(self, account_sid, auth_token, twilio_number)
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
        await self.send_text_message(recipient_id, numbered_choices(text, buttons, self.name()))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are buttons too."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


def form_values(request: Request) -> dict[str, str]:
    """A form post's fields, the blank ones included (the first value of each).

    Sanic's ``request.form`` drops blank fields, but Twilio's signature covers them: a
    WhatsApp photo or voice note comes with an empty ``Body``, and without it the
    signature would not match (the message refused, the client unanswered).
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        body = request.body.decode("utf-8", "replace")
        parsed = urllib.parse.parse_qs(body, keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}
    return {key: values[0] for key, values in request.form.items()}


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
        params = form_values(request)
        return bool(RequestValidator(self.auth_token).validate(url, params, signature))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``/webhooks/twilio/webhook``: signed form posts from Twilio (length-capped)."""
        on_new_message = salon_handler(on_new_message, self.name())
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_signed(request):
                logger.warning("Twilio webhook: missing or wrong X-Twilio-Signature")
                return response.text("invalid signature", status=403)
            form = form_values(request)
            sender = form.get("From")
            text = form.get("Body")
            if self._is_location_message(request):
                text = "/locationData{{'Latitude': {lat},'Longitude': {long}}}".format(
                    lat=request.form.get("Latitude"), long=request.form.get("Longitude")
                )
            if not sender or text is None:
                return response.text("", status=204)
            sender = session_ids.prefixed(self.name(), sender)
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

        return limit_addresses(twilio_webhook)


class SalonMessengerBot(UnprefixedOutput, MessengerBot):
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
            text = numbered_choices(text, buttons, self.name())
            replies = [
                {"content_type": "text", "title": str(number), "payload": b["payload"]}
                for number, b in enumerate(buttons, 1)
            ]
        await self.send_quick_replies(recipient_id, text, replies)


def messenger_attachment_only(event: Any) -> bool:
    """Is a Messenger event a client's message with attachments and no text (pure)?

    Rasa's channel would pass on the attachment's address as if the client had typed it
    (a photo, a sticker, a voice note), or drop it (a location, a link): the salon asks for
    a typed message instead. The page's own messages (``is_echo``) are not the client's.
    """
    message = event.get("message") if isinstance(event, dict) else None
    if not isinstance(message, dict) or message.get("is_echo"):
        return False
    if "quick_reply" in message or message.get("text"):
        return False
    return bool(message.get("attachments"))


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

    async def message(self, message: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        """Rasa's reading of a message; one with attachments only is a message without text."""
        if messenger_attachment_only(message):
            await self._handle_user_message("", self.get_user_id(), metadata)
            return
        await super().message(message, metadata)

    async def _handle_user_message(
        self, text: str, sender_id: str, metadata: dict[str, Any] | None
    ) -> None:
        conversation = session_ids.prefixed("facebook", sender_id)
        text = await resolve_choice(self.request, conversation, text) or text
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
        on_new_message = salon_handler(on_new_message, self.name())
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            given = str(request.args.get("hub.verify_token") or "")
            if self.fb_verify and hmac.compare_digest(given.encode(), str(self.fb_verify).encode()):
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

        return limit_addresses(fb_webhook)
