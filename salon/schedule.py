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

What happens per channel:

- **website chat** (``socketio``): sent into the conversation; a visitor who is on the
  page sees it at once, one who has left sees the check-in question asked again on
  their next visit (the welcome back asks how the routine went);
- **Telegram**: sent (a bot may write to a user who wrote to it);
- **WhatsApp** (``twilio``) and **Messenger** (``facebook``): these accept a free-form
  message only within 24 hours of the client's last one. A check-in due later would
  need an approved message template, which this project does not send: it is
  ``skipped``, with the reason, and staff see it in ``python -m salon.staff scheduled``;
- **REST** and ``rasa shell``: no push; the check-in is added to the conversation.

Rasa being unreachable (not started yet, restarting) is not an attempt: the message
stays due. Any other failure is retried with :func:`salon.notify.backoff` and is
``failed`` after :data:`salon.notify.MAX_ATTEMPTS`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from salon import outbox
from salon.models import ScheduledMessage, utcnow
from salon.notify import MAX_ATTEMPTS, backoff
from salon.rasa_api import RASA_URL_ENV, RasaApi, RasaUnreachableError

__all__ = ["RASA_URL_ENV", "RasaApi", "RasaUnreachableError", "Sent", "send_due"]

logger = logging.getLogger(__name__)

POLL_ENV = "SCHEDULE_POLL_SECONDS"
#: Channels that take a free-form message only within this long of the client's last one.
WINDOWED_CHANNELS = {"twilio": "WhatsApp", "facebook": "Messenger"}
WINDOW = timedelta(hours=24)


def channel_refuses(message: ScheduledMessage) -> str | None:
    """Why the message's channel cannot take it at its due time, or None (pure)."""
    app = WINDOWED_CHANNELS.get(message.channel)
    if app and message.due_at - message.created_at >= WINDOW:
        return (
            f"{app} accepts a message more than 24 hours after the client's last one only "
            "as an approved template, which is not configured"
        )
    return None


@dataclass
class Sent:
    """What one :func:`send_due` run did."""

    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    waiting_for_rasa: int = 0


def _record(engine: Engine, message_id: int, **values: object) -> None:
    outbox.release(engine, ScheduledMessage, message_id, **values)


def send_due(engine: Engine, rasa: RasaApi, now: datetime | None = None, limit: int = 50) -> Sent:
    """Send the scheduled messages that are due, oldest first; record every outcome.

    Args:
        engine: The salon database.
        rasa: Rasa's HTTP API.
        now: The reference time (aware); now by default.
        limit: At most this many per run.

    Returns:
        What was sent, skipped, will be retried or failed.
    """
    done = Sent()
    now = now or utcnow()
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
        refused = channel_refuses(message)
        if refused:
            _record(engine, message_id, status="skipped", last_error=refused)
            done.skipped += 1
            continue
        try:
            rasa.trigger_intent(message.sender_id, message.intent)
        except RasaUnreachableError as error:
            _record(engine, message_id, last_error=f"Rasa not reachable: {error}"[:300])
            done.waiting_for_rasa += 1
            break  # the rest would fail the same way
        except (OSError, ValueError) as error:
            attempts = message.attempts + 1
            reason = f"{error.__class__.__name__}: {error}"[:300]
            if attempts >= MAX_ATTEMPTS:
                _record(engine, message_id, attempts=attempts, status="failed", last_error=reason)
                done.failed += 1
            else:
                _record(
                    engine,
                    message_id,
                    attempts=attempts,
                    last_error=reason,
                    due_at=now + backoff(attempts),
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
    return done


def poll_seconds() -> float:
    """How often the action server looks for due messages (``SCHEDULE_POLL_SECONDS``)."""
    try:
        return max(0.5, float(os.environ.get(POLL_ENV, "30")))
    except ValueError:
        return 30.0
