"""Conversation ids the server issues and can verify, and each channel's prefix.

The website widget used to choose its own conversation id, so anyone who knew or guessed
an id could read and write another visitor's conversation. Now the server issues it: a
random part and an HMAC tag over it (``<random>.<tag>``), given to the widget in
``session_confirm``. A token whose tag does not verify is refused. The conversation is
stored under ``web:<random>``: every channel's conversations live under its own prefix
(``web:``, ``rest:``, ``telegram:``, ``whatsapp:``, ``messenger:``), so no id arriving on
one channel can reach another channel's conversation.

The key is ``$SESSION_ID_SECRET``, else the file ``var/session-secret`` (created with
mode 0600 on first use), so that a restart keeps the visitors' conversations; replicas
behind a balancer must share it (``scripts/cluster.sh`` and ``deploy/`` set it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

ENV_VAR = "SESSION_ID_SECRET"
SECRET_FILE = Path(__file__).resolve().parents[2] / "var" / "session-secret"
#: The channel prefixes conversations are stored under.
PREFIXES = {
    "socketio": "web:",
    "rest": "rest:",
    "telegram": "telegram:",
    "twilio": "whatsapp:",
    "facebook": "messenger:",
}
_RANDOM_BYTES = 16
_TAG_CHARS = 32


@lru_cache(maxsize=1)
def _secret() -> bytes:
    """The signing key: the environment's, else the file's (created once, 0600)."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return value.encode()
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return SECRET_FILE.read_bytes().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32))
    return SECRET_FILE.read_bytes().strip()


def _tag(random_part: str) -> str:
    digest = hmac.new(_secret(), random_part.encode(), hashlib.sha256).hexdigest()
    return digest[:_TAG_CHARS]


def issue() -> str:
    """A new conversation token for the widget: ``<random>.<tag>``."""
    random_part = secrets.token_hex(_RANDOM_BYTES)
    return f"{random_part}.{_tag(random_part)}"


def verify(token: object) -> str | None:
    """The random part of a token the server issued, or None for anything else.

    Args:
        token: What a client sent (any type).

    Returns:
        The token's random part when its tag verifies (compared in constant time).
    """
    if not isinstance(token, str) or len(token) > 200:
        return None
    random_part, dot, tag = token.partition(".")
    if not dot or len(random_part) != 2 * _RANDOM_BYTES or not random_part.isalnum():
        return None
    return random_part if hmac.compare_digest(_tag(random_part), tag) else None


def prefixed(channel: str, sender_id: str) -> str:
    """The stored conversation id of ``sender_id`` on ``channel`` (prefixed once)."""
    prefix = PREFIXES.get(channel, f"{channel}:")
    return sender_id if sender_id.startswith(prefix) else prefix + sender_id


def unprefixed(channel: str, sender_id: str) -> str:
    """The channel's own recipient id (``telegram:123`` -> ``123``) for sending replies.

    WhatsApp's prefix is Twilio's own address format (``whatsapp:+44...``): it stays.
    """
    prefix = PREFIXES.get(channel, f"{channel}:")
    if channel == "twilio" or not sender_id.startswith(prefix):
        return sender_id
    return sender_id[len(prefix) :]


def log_ref(sender_id: object) -> str:
    """A short reference to a conversation for logs above DEBUG, not its id.

    Conversation ids are phone numbers (WhatsApp) or bearer tokens (the widget): logs keep
    a hash prefix instead, enough to follow one conversation through the log.
    """
    return "conv-" + hashlib.sha256(str(sender_id).encode()).hexdigest()[:10]
