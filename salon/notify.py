"""Tell staff at once about a handoff, a booking request or an urgent referral.

How it works (an outbox):

1. The repository writes a :class:`~salon.models.Notification` row in the same
   transaction as the request it is about (:func:`for_handoff`, :func:`for_booking`,
   :func:`for_urgent_referral`), so a request is never recorded without it.
2. :func:`deliver_due` sends the rows that are due by e-mail over SMTP
   (``SALON_SMTP_URL`` to ``SALON_STAFF_EMAIL``) and, when set, to a webhook
   (``SALON_NOTIFY_WEBHOOK``: a JSON ``{"text": ...}`` POST, which chat tools accept).
   The action server runs it at once after each request and every
   ``NOTIFY_POLL_SECONDS`` (``actions/server.py``); ``python -m salon.staff notify`` runs
   it by hand.
3. A failed target is retried with a growing delay (30 s, 1 min, 2 min ... at most one
   hour); after :data:`MAX_ATTEMPTS` the row is ``failed`` and staff see it in
   ``python -m salon.staff notifications`` (``--retry ID`` sends it again). E-mail and
   webhook are tracked apart, so a retry never sends the same e-mail twice, and a row
   is claimed before it is sent, so two action servers never both send it.

What a notification says: the kind of request, when, on which channel, the service
and preferred times of a booking. Never the client's words, symptoms, name or
contacts: e-mail is not the place for health data; staff read those in the staff tools.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import Engine

from salon import db, outbox
from salon.models import BookingRequest, HandoffRequest, Notification, Referral, utcnow
from salon.profile import profile

logger = logging.getLogger(__name__)

SMTP_URL_ENV = "SALON_SMTP_URL"
STAFF_EMAIL_ENV = "SALON_STAFF_EMAIL"
FROM_ENV = "SALON_NOTIFY_FROM"
WEBHOOK_ENV = "SALON_NOTIFY_WEBHOOK"
POLL_ENV = "NOTIFY_POLL_SECONDS"

#: After this many failed attempts a notification is ``failed`` (about 7 hours in all).
MAX_ATTEMPTS = 12
#: Seconds to wait for an SMTP server or a webhook.
TIMEOUT = 10.0
#: How channels are named to staff.
CHANNEL_NAMES = {
    "socketio": "website chat",
    "rest": "REST API",
    "cmdline": "rasa shell",
    "telegram": "Telegram",
    "twilio": "WhatsApp",
    "facebook": "Messenger",
}


def service_name(key: str) -> str:
    """A service as staff read it, from the salon profile: "Scalp facial (60 min)"."""
    service = profile().service(key)
    if service is None:
        return key.replace("_", " ")
    return f"{service.name} ({service.minutes} min)" if service.minutes else service.name


class NotifyConfigError(ValueError):
    """``SALON_SMTP_URL`` or ``SALON_STAFF_EMAIL`` cannot be used."""


@dataclass(frozen=True)
class SmtpTarget:
    """Where e-mail goes: host, port, security (``plain``, ``starttls``, ``ssl``), login."""

    host: str
    port: int
    security: str = "plain"
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(url: str) -> SmtpTarget:
    """Read ``smtp://[user:password@]host[:port]`` (also ``smtp+starttls://``, ``smtps://``).

    Args:
        url: The URL; the user and password are percent-decoded.

    Returns:
        The target; the port defaults to 25, 587 (STARTTLS) or 465 (SSL).

    Raises:
        NotifyConfigError: Another scheme, or no host.
    """
    parts = urlsplit(url.strip())
    security = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}.get(parts.scheme)
    if security is None:
        raise NotifyConfigError(
            f"{SMTP_URL_ENV} must start with smtp://, smtp+starttls:// or smtps://"
        )
    if not parts.hostname:
        raise NotifyConfigError(f"{SMTP_URL_ENV} names no host")
    try:
        port = parts.port or {"plain": 25, "starttls": 587, "ssl": 465}[security]
    except ValueError:
        raise NotifyConfigError(f"{SMTP_URL_ENV} has an invalid port") from None
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


@dataclass(frozen=True)
class NotifySettings:
    """Where notifications go; nothing is sent to a target that is not configured."""

    smtp: SmtpTarget | None = None
    staff_emails: tuple[str, ...] = ()
    sender: str = ""
    webhook_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NotifySettings:
        """Read ``SALON_SMTP_URL``, ``SALON_STAFF_EMAIL``, ``SALON_NOTIFY_FROM`` and the webhook.

        Raises:
            NotifyConfigError: A URL that cannot be used, or an SMTP server with no
                staff address (or the reverse).
        """
        env = os.environ if env is None else env
        smtp_url = env.get(SMTP_URL_ENV, "").strip()
        emails = tuple(e.strip() for e in env.get(STAFF_EMAIL_ENV, "").split(",") if e.strip())
        if bool(smtp_url) != bool(emails):
            raise NotifyConfigError(f"set both {SMTP_URL_ENV} and {STAFF_EMAIL_ENV}, or neither")
        webhook = env.get(WEBHOOK_ENV, "").strip() or None
        if webhook and urlsplit(webhook).scheme not in ("http", "https"):
            raise NotifyConfigError(f"{WEBHOOK_ENV} must be an http:// or https:// URL")
        salon = profile()
        sender = env.get(FROM_ENV, "").strip() or formataddr(
            (f"{salon.name} assistant", salon.email or "assistant@localhost")
        )
        return cls(
            smtp=parse_smtp_url(smtp_url) if smtp_url else None,
            staff_emails=emails,
            sender=sender,
            webhook_url=webhook,
        )

    @property
    def configured(self) -> bool:
        """True when at least one target is set."""
        return self.smtp is not None or self.webhook_url is not None


# What a notification says ---------------------------------------------------------------


def _channel(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", channel or "an unknown channel")


def _at(moment: datetime | None) -> str:
    return (moment or utcnow()).strftime("%Y-%m-%d %H:%M UTC")


def _prefix() -> str:
    return f"[{profile().name}]"


def for_handoff(handoff: HandoffRequest) -> Notification:
    """The notification for a new handoff request (flushed, so it has an id)."""
    body = (
        f"A client asked to talk to a person ({_channel(handoff.channel)}, "
        f"{_at(handoff.created_at)}). The assistant stays quiet in that conversation "
        "until someone from the salon hands it back.\n\n"
        f"Handoff request #{handoff.id}: read and answer it in the staff tools "
        "(python -m salon.staff handoffs)."
    )
    return Notification(
        kind="handoff",
        subject=f"{_prefix()} A client is waiting for a person (handoff #{handoff.id})",
        body=body,
        handoff_id=handoff.id,
    )


def for_booking(booking: BookingRequest) -> Notification:
    """The notification for a new booking request: service and times, no contacts."""
    service = service_name(booking.service)
    held = (
        "\nIt is held: a doctor should see the client's scalp before any treatment "
        f"(a {booking.referral} referral stands)."
        if booking.status == "held"
        else ""
    )
    body = (
        f"New booking request #{booking.id} ({_at(booking.created_at)}): {service}.\n"
        f"Preferred times: {booking.preferred_times or 'not given'}.{held}\n\n"
        "The client's name and contact are in the staff tools "
        "(python -m salon.staff bookings). The client was told the team will confirm a time."
    )
    return Notification(
        kind="booking",
        subject=f"{_prefix()} New booking request #{booking.id}: {service}",
        body=body,
        booking_id=booking.id,
    )


def for_booking_cancelled(booking: BookingRequest) -> Notification:
    """The notification that a client cancelled their own booking request in the chat."""
    service = service_name(booking.service)
    body = (
        f"The client cancelled booking request #{booking.id} ({service}; preferred times: "
        f"{booking.preferred_times or 'not given'}) in the chat, {_at(None)}.\n"
        "If a time was already arranged, free it (python -m salon.staff bookings)."
    )
    return Notification(
        kind="booking_cancelled",
        subject=f"{_prefix()} Booking request #{booking.id} cancelled by the client",
        body=body,
        booking_id=booking.id,
    )


def for_booking_changed(booking: BookingRequest) -> Notification:
    """The notification that a client asked for other times for their request in the chat."""
    service = service_name(booking.service)
    body = (
        f"The client asked to change booking request #{booking.id} ({service}) in the chat, "
        f"{_at(None)}.\nNew preferred times: {booking.preferred_times or 'not given'}.\n"
        "Any time agreed before is no longer confirmed: confirm a time again in the staff "
        "console (Bookings)."
    )
    return Notification(
        kind="booking_changed",
        subject=f"{_prefix()} Booking request #{booking.id}: the client asked for other times",
        body=body,
        booking_id=booking.id,
    )


def for_booking_reply(booking: BookingRequest) -> Notification:
    """The notification that a client answered what staff wrote about their request."""
    service = service_name(booking.service)
    body = (
        f"The client answered in the chat about booking request #{booking.id} ({service}), "
        f"{_at(None)}.\nRead the answer on the request's page in the staff console "
        "(Bookings) and reply there."
    )
    return Notification(
        kind="booking_reply",
        subject=f"{_prefix()} Booking request #{booking.id}: the client answered",
        body=body,
        booking_id=booking.id,
    )


def for_urgent_referral(referral: Referral) -> Notification:
    """The notification for an urgent referral: when and where, never the symptoms."""
    who = (
        "The client has consented, so the referral names their conversation"
        if referral.sender_id
        else "The client has not consented to being remembered, so it is anonymous"
    )
    body = (
        f"The assistant told a client to get urgent medical care now "
        f"({_channel(referral.channel) if referral.channel else 'channel not kept'}, "
        f"{_at(referral.created_at)}).\n{who}: referral #{referral.id} in the staff tools "
        "(python -m salon.staff referrals --level urgent)."
    )
    return Notification(
        kind="urgent_referral",
        subject=f"{_prefix()} Urgent referral #{referral.id}",
        body=body,
        referral_id=referral.id,
    )


# Sending --------------------------------------------------------------------------------


def send_email(settings: NotifySettings, subject: str, body: str) -> None:
    """Send one message to the staff addresses (raises on any failure)."""
    assert settings.smtp is not None
    target = settings.smtp
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.staff_emails)
    message["Message-ID"] = make_msgid(domain="scalp-care.local")
    message.set_content(body)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if target.security == "ssl":
        client = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT)
    with client:
        if target.security == "starttls":
            client.starttls(context=context)
        if target.username:
            client.login(target.username, target.password or "")
        client.send_message(message)


def post_webhook(url: str, notification: Notification) -> None:
    """POST ``{"text", "kind", "id"}`` as JSON; any answer but 2xx raises."""
    payload = {
        "text": f"{notification.subject}\n{notification.body}",
        "kind": notification.kind,
        "id": notification.id,
    }
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        if not 200 <= answer.status < 300:
            raise urllib.error.HTTPError(url, answer.status, "not delivered", answer.headers, None)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failures: 30 s doubling, at most 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass
class Delivery:
    """What one :func:`deliver_due` run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _send(settings: NotifySettings, notification: Notification, now: datetime) -> list[str]:
    """Send to the targets still missing; record each success on ``notification``."""
    errors = []
    if settings.smtp is not None and notification.email_sent_at is None:
        try:
            send_email(settings, notification.subject, notification.body)
            notification.email_sent_at = now
        except (OSError, smtplib.SMTPException) as error:
            errors.append(f"e-mail: {error.__class__.__name__}: {error}"[:300])
    if settings.webhook_url and notification.webhook_sent_at is None:
        try:
            post_webhook(settings.webhook_url, notification)
            notification.webhook_sent_at = now
        except (OSError, ValueError) as error:
            errors.append(f"webhook: {error.__class__.__name__}: {error}"[:300])
    return errors


def deliver_due(
    engine: Engine, settings: NotifySettings, now: datetime | None = None, limit: int = 20
) -> Delivery:
    """Send the notifications that are due, oldest first; record every outcome.

    Args:
        engine: The salon database.
        settings: The targets (nothing happens when none is configured).
        now: The reference time (aware); now by default.
        limit: At most this many rows per run.

    Returns:
        How many were sent, will be retried, or failed for good.
    """
    done = Delivery()
    if not settings.configured:
        return done
    now = now or utcnow()
    due = outbox.due_ids(
        engine,
        Notification,
        "pending",
        Notification.next_attempt_at,
        Notification.created_at,
        now,
        limit,
    )
    for notification_id in due:
        notification = outbox.claim(engine, Notification, notification_id, "pending", now)
        if notification is None:
            continue
        errors = _send(settings, notification, now)
        attempts = notification.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "email_sent_at": notification.email_sent_at,
            "webhook_sent_at": notification.webhook_sent_at,
            "last_error": "; ".join(errors) or None,
        }
        if not errors:
            values.update(status="sent", sent_at=now)
            done.sent += 1
        elif attempts >= MAX_ATTEMPTS:
            values["status"] = "failed"
            done.failed += 1
            logger.error("staff notification #%d failed for good: %s", notification_id, errors)
        else:
            values["next_attempt_at"] = now + backoff(attempts)
            done.retrying += 1
            logger.warning(
                "staff notification #%d not sent, will retry: %s", notification_id, errors
            )
        outbox.release(engine, Notification, notification_id, **values)
    return done


def retry(engine: Engine, notification_id: int) -> bool:
    """Send a ``failed`` (or waiting) notification again at the next run; False if unknown."""
    with db.session_scope(engine) as session:
        notification = session.get(Notification, notification_id)
        if notification is None or notification.status == "sent":
            return False
        notification.status = "pending"
        notification.attempts = 0
        notification.next_attempt_at = utcnow()
        notification.claimed_until = None
        return True


def poll_seconds() -> float:
    """How often the action server looks for due notifications (``NOTIFY_POLL_SECONDS``)."""
    try:
        return max(1.0, float(os.environ.get(POLL_ENV, "30")))
    except ValueError:
        return 30.0
