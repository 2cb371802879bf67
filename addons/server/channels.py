"""The salon's channels: Rasa's own, with what a salon needs on top.

Every channel here and in ``addons/server/messaging_apps.py`` (Telegram, WhatsApp,
Messenger):

- stores its conversations under its own prefix (``web:``, ``rest:``, ``telegram:``,
  ``whatsapp:``, ``messenger:``; ``addons/server/session_ids.py``), so that no id arriving on
  one channel reaches another channel's conversation, and strips it again to reply;
- caps the message length (``addons/server/message_limits.py``): a very long message is
  shortened, red-flagged sentences kept, and the user told so;
- answers a burst from one sender politely instead of handling it, and a burst from one
  address on its webhooks with 429 (these and the length cap: ``addons/server/guards.py``);
- answers a failing part of the assistant (the action server, the tracker or lock
  store) with a polite apology instead of silence (``addons/server/faults.py``).

``credentials.yml`` names these classes; each keeps the name (and so the webhook
path ``/webhooks/<name>/webhook`` and the ``channel:`` response variations) of the
Rasa channel it extends.

- ``RestInput``: Rasa's REST channel; the ``input_channel`` a client sends is ignored.
- ``SocketIOInput``: the website widget. The server issues the conversation id
  (``session_confirm``) and refuses any other; a socket speaks only for the
  conversation it was confirmed. Rasa 3.6 creates its socket.io server with
  ``cors_allowed_origins=[]``, which switches python-socketio's origin check off
  (any site could open a WebSocket to it); this one checks the page's origin
  against ``cors_allowed_origins``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint
from sanic.request import Request

from addons.server import session_ids, tracker_store
from addons.server.guards import (
    OnNewMessage,
    address_limiter,
    limit_addresses,
    request_max_bytes,
    salon_handler,
)

logger = logging.getLogger(__name__)


class UnprefixedOutput(OutputChannel):
    """Mixin for an output channel: replies go to the channel's own id (prefix stripped)."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Strip the conversation prefix, then send as the channel does."""
        await super().send_response(session_ids.unprefixed(self.name(), recipient_id), message)


class RestInput(RasaRestInput):
    """Rasa's REST channel (``/webhooks/rest/webhook``), prefixed ``rest:`` and capped.

    It never trusts the ``input_channel`` a client sends.
    """

    def _extract_input_channel(self, req: Request) -> str:
        """Always this channel: a client naming another channel must not reach its ids."""
        return self.name()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint around the salon's handler, with a per-address limit."""
        return limit_addresses(super().blueprint(salon_handler(on_new_message, self.name())))


def _origins(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(origin for origin in re.split(r"[\s,]+", value) if origin)
    return tuple(str(origin) for origin in value or [])


async def conversation_kept(conversation: str) -> bool:
    """Tell whether the tracker store still holds ``conversation`` (True when unsure).

    A conversation erased by staff (``python -m salon.staff forget``) or by the retention
    purge holds nothing: the widget that comes back with its id is given a new one, and a
    new id makes the widget drop the history it kept in the browser.
    """
    store = tracker_store.active_store()
    if store is None:
        return True
    try:
        return await asyncio.to_thread(store.has_events, conversation)
    except Exception:  # the store's own failure handling has logged it
        return True


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with server-issued conversation ids and the allowed origins.

    ``session_request`` carries the widget's token (``<random>.<tag>``, from an earlier
    ``session_confirm``): a token the server issued resumes its conversation
    (``web:<random>``); anything else (none, forged, another format) gets a new one. Each
    socket then speaks only for the conversation it was confirmed: the ``session_id`` a
    message carries is not trusted.
    """

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
        """Rasa's blueprint with the salon's handler, its own session handling and origins."""
        handler = salon_handler(on_new_message, self.name())
        blueprint = super().blueprint(handler)
        sio = self.sio
        assert sio is not None
        engine = sio.eio
        # A message bigger than the request limit is refused (engine.io closes the socket).
        engine.max_http_buffer_size = request_max_bytes()
        if self.allowed_origins:
            # Rasa passes [] ("no CORS handling at all"). With a list, engine.io
            # refuses a connection whose Origin header is not in it, WebSocket and
            # polling alike.
            engine.cors_allowed_origins = list(self.allowed_origins)
            # ... but it would also add its own CORS headers, and Sanic-CORS (Rasa's
            # --cors) already adds them to every response: browsers reject a
            # response with the header twice, which breaks the polling transport.
            engine._cors_headers = lambda environ: []
        bound: dict[str, str] = {}
        limiter = address_limiter()

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            random_part = session_ids.verify(token)
            if random_part is not None and not await conversation_kept(
                session_ids.prefixed(self.name(), random_part)
            ):
                random_part = None  # erased or expired: a new id, and the history goes
            if random_part is None:
                token = session_ids.issue()
                random_part = session_ids.verify(token)
            conversation = session_ids.prefixed(self.name(), str(random_part))
            previous = bound.get(sid)
            if previous and previous != conversation:
                sio.leave_room(sid, previous, namespace=self.namespace)
            bound[sid] = conversation
            sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            conversation = bound.get(sid)
            if conversation is None:
                logger.info("socket.io: a message before session_confirm was ignored")
                return
            if not limiter.allow(f"socket:{sid}"):
                return
            message = data.get("message", "") if isinstance(data, dict) else ""
            metadata = data.get(self.metadata_key) if isinstance(data, dict) else None
            await handler(
                UserMessage(
                    message if isinstance(message, str) else "",
                    SocketIOOutput(sio, self.bot_message_evt),
                    conversation,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                )
            )

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            bound.pop(sid, None)

        return blueprint
