"""Messages the assistant sends later (the routine check-in), kept in the salon database.

Rasa's own ``ReminderScheduled`` lives in the memory of one Rasa process, so a restart
loses it. Here a check-in is a :class:`~salon.models.ScheduledMessage` row, written when
the client consents (:meth:`salon.repository.SalonRepository.schedule_message`), and the
action server sends the due ones (:func:`send_due`, at start-up and every
``SCHEDULE_POLL_SECONDS``) by asking Rasa to handle the external intent on the client's
conversation: ``POST /conversations/<id>/trigger_intent?output_channel=latest``. Rasa
then runs the check-in action and sends its reply on the channel the client last used.

Each row is claimed before it is sent, and marked ``sent`` after, so a restart between
scheduling and the due time delivers it once, and two action servers never both send it.

How each message goes is decided by :func:`route` (pure): on the client's channel, as a
WhatsApp template, or skipped, with the reason. Per channel:

- **website chat** (``socketio``): sent into the conversation; a visitor who is on the
  page sees it at once, one who has left sees the check-in question asked again on
  their next visit (the welcome back asks how the routine went);
- **Telegram**: sent (a bot may write to a user who wrote to it);
- **WhatsApp** (``twilio``): a free-form message only within 24 hours of the client's
  last one (counted from when the check-in was scheduled, right after the client
  wrote). Later it needs a template Meta approved: with ``TWILIO_CHECKIN_CONTENT_SID``
  and the channel's Twilio settings, the check-in is first recorded in the conversation
  without being sent (:meth:`~salon.rasa_api.RasaApi.record_intent`), so the client's
  answer is read as an answer to it, then the template goes out through Twilio's API
  (:mod:`salon.twilio_api`) with the salon's name as its variable 1. Without those
  settings it is ``skipped``, and the reason names the missing ones;
- **Messenger** (``facebook``): the same 24 hours; later, only a message with one of
  Meta's message tags, and none of them allows a check-in: ``skipped``, with the reason;
- **REST** and ``rasa shell``: no push; the check-in is added to the conversation.

Staff see skipped and failed ones, with the reason, in the console
(``/staff/scheduled``, console/scheduled.py) and in ``python -m salon.staff scheduled``.

Rasa being unreachable (not started yet, restarting) is not an attempt: the message
stays due. Any other failure (an error from Rasa, Twilio refusing the template or not
answering) is retried with :func:`salon.notify.backoff` and is ``failed`` after
:data:`salon.notify.MAX_ATTEMPTS`. A template whose check-in is already in the
conversation is not recorded there again when it is retried (``recorded_at`` is set;
staff read :data:`RECORDED` at the start of its reason).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from salon import outbox
from salon.models import ScheduledMessage, utcnow
from salon.notify import MAX_ATTEMPTS, backoff
from salon.profile import profile
from salon.rasa_api import RASA_URL_ENV, RasaApi, RasaUnreachableError
from salon.twilio_api import CheckinTemplate, TwilioError

__all__ = [
    "RASA_URL_ENV",
    "CheckinTemplate",
    "RasaApi",
    "RasaUnreachableError",
    "Route",
    "Sent",
    "retry",
    "route",
    "send_due",
]

logger = logging.getLogger(__name__)

POLL_ENV = "SCHEDULE_POLL_SECONDS"
#: Channels that take a free-form message only within this long of the client's last one.
WINDOWED_CHANNELS = {"twilio": "WhatsApp", "facebook": "Messenger"}
WINDOW = timedelta(hours=24)
#: How the reason of a template begins once its check-in is in the conversation (for
#: staff; ``ScheduledMessage.recorded_at`` is what the scheduler reads).
RECORDED = "In the conversation, not delivered: "

How = Literal["channel", "template", "skipped"]


@dataclass(frozen=True)
class Route:
    """How a scheduled message is sent, and why.

    Attributes:
        how: ``channel`` (Rasa replies on the client's latest channel), ``template``
            (recorded in the conversation, sent as the approved WhatsApp template) or
            ``skipped`` (not sent).
        why: The reason, in words staff read (kept as a skipped message's reason).
    """

    how: How
    why: str


def outside_window(channel: str, created_at: datetime, at: datetime) -> bool:
    """Whether a message sent ``at`` is past its channel's 24-hour window (pure)."""
    return channel in WINDOWED_CHANNELS and at - created_at >= WINDOW


def route(
    channel: str, created_at: datetime, at: datetime, template_missing: Sequence[str] = ()
) -> Route:
    """How a message scheduled at ``created_at`` goes on ``channel`` when sent ``at`` (pure).

    Args:
        channel: The conversation's input channel (``twilio``, ``facebook``, ...).
        created_at: When it was scheduled: right after the client's last message.
        at: When it is being sent.
        template_missing: The WhatsApp template's settings that are not set
            (:attr:`salon.twilio_api.CheckinTemplate.missing`); empty when it can be sent.

    Returns:
        The route and its reason.
    """
    app = WINDOWED_CHANNELS.get(channel)
    if app is None:
        return Route("channel", "sent on the client's channel")
    if not outside_window(channel, created_at, at):
        return Route("channel", f"within {app}'s 24 hours of the client's last message")
    late = f"{app} takes a message more than 24 hours after the client's last one only"
    if channel == "facebook":
        return Route(
            "skipped",
            f"{late} with one of Meta's message tags, and none of them allows a check-in: not sent",
        )
    if template_missing:
        return Route(
            "skipped",
            f"{late} as an approved template; not sent: set "
            f"{', '.join(template_missing)} for the action server",
        )
    return Route("template", f"outside {app}'s 24 hours: sent as the approved template")


@dataclass
class Sent:
    """What one :func:`send_due` run did."""

    sent: int = 0
    #: Of the sent ones, those that went as the WhatsApp template.
    templates: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    waiting_for_rasa: int = 0


def _record(engine: Engine, message_id: int, **values: object) -> None:
    outbox.release(engine, ScheduledMessage, message_id, **values)


class _RecordedError(Exception):
    """The check-in is in the conversation, but the template was not sent (``error``)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _send(message: ScheduledMessage, how: How, rasa: RasaApi, template: CheckinTemplate) -> None:
    """Send one message the way :func:`route` chose (not ``skipped``); raise on failure."""
    if how == "channel":
        rasa.trigger_intent(message.sender_id, message.intent)
        return
    if message.recorded_at is None:
        rasa.record_intent(message.sender_id, message.intent)
    try:
        sid = template.send(message.sender_id, {"1": profile().name})
    except (OSError, ValueError) as error:
        raise _RecordedError(error) from error
    logger.info("scheduled message #%d sent as the WhatsApp template %s", message.id, sid)


def _reason(error: Exception) -> str:
    """Why a send failed, for staff (at most 300 characters)."""
    if isinstance(error, _RecordedError):
        return (RECORDED + _reason(error.error))[:300]
    if isinstance(error, TwilioError):
        return str(error)[:300]
    return f"{error.__class__.__name__}: {error}"[:300]


def send_due(
    engine: Engine,
    rasa: RasaApi,
    now: datetime | None = None,
    limit: int = 50,
    template: CheckinTemplate | None = None,
) -> Sent:
    """Send the scheduled messages that are due, oldest first; record every outcome.

    Args:
        engine: The salon database.
        rasa: Rasa's HTTP API.
        now: The reference time (aware); now by default.
        limit: At most this many per run.
        template: The WhatsApp check-in template and Twilio account; from the
            environment by default (:meth:`salon.twilio_api.CheckinTemplate.from_env`).

    Returns:
        What was sent, skipped, will be retried or failed.
    """
    done = Sent()
    now = now or utcnow()
    template = template if template is not None else CheckinTemplate.from_env()
    due = outbox.due_ids(
        engine,
        ScheduledMessage,
        "scheduled",
        ScheduledMessage.due_at,
        ScheduledMessage.due_at,
        now,
        limit,
    )
    for message_id in due:
        message = outbox.claim(engine, ScheduledMessage, message_id, "scheduled", now)
        if message is None:
            continue
        way = route(message.channel, message.created_at, now, template.missing)
        if way.how == "skipped":
            _record(engine, message_id, status="skipped", last_error=way.why)
            done.skipped += 1
            continue
        try:
            _send(message, way.how, rasa, template)
        except RasaUnreachableError as error:
            _record(engine, message_id, last_error=f"Rasa not reachable: {error}"[:300])
            done.waiting_for_rasa += 1
            break  # the rest would fail the same way
        except (OSError, ValueError, _RecordedError) as error:
            attempts = message.attempts + 1
            reason = _reason(error)
            # In the conversation already: a retry sends only the template.
            recorded = {"recorded_at": now} if isinstance(error, _RecordedError) else {}
            if attempts >= MAX_ATTEMPTS:
                _record(
                    engine,
                    message_id,
                    attempts=attempts,
                    status="failed",
                    last_error=reason,
                    **recorded,
                )
                done.failed += 1
            else:
                _record(
                    engine,
                    message_id,
                    attempts=attempts,
                    last_error=reason,
                    due_at=now + backoff(attempts),
                    **recorded,
                )
                done.retrying += 1
            logger.warning("scheduled message #%d not sent: %s", message_id, reason)
            continue
        _record(
            engine,
            message_id,
            attempts=message.attempts + 1,
            status="sent",
            sent_at=now,
            last_error=None,
        )
        done.sent += 1
        done.templates += way.how == "template"
    return done


def retry(session: Session, message_id: int) -> bool:
    """Send a ``failed`` or ``skipped`` message again at the next run; False if it is not one.

    The attempts start again; the reason stays until the next try replaces it (a
    template's check-in already in the conversation is not recorded there twice).
    """
    message = session.get(ScheduledMessage, message_id)
    if message is None or message.status not in ("failed", "skipped"):
        return False
    message.status = "scheduled"
    message.attempts = 0
    message.due_at = utcnow()
    message.claimed_until = None
    return True


def poll_seconds() -> float:
    """How often the action server looks for due messages (``SCHEDULE_POLL_SECONDS``)."""
    try:
        return max(0.5, float(os.environ.get(POLL_ENV, "30")))
    except ValueError:
        return 30.0
