"""A polite answer, and a clear log line, when part of the assistant fails mid-conversation.

Rasa 3.6 answers most faults with silence:

* A custom action that fails (the action server is down, or the action raised)
  is logged by ``MessageProcessor._run_action`` ("Encountered an exception while
  running action ...") and the conversation goes on without its events: the
  user gets no answer.
* A tracker store error is swallowed by ``FailSafeTrackerStore`` (which wraps
  every store): a failed read gives a *new, empty* conversation, a failed save
  goes to an in-memory store nobody reads again. The turn is answered as if the
  conversation had just started, and then lost.
* A lock store error (Redis down) escapes the message handler; the channel logs
  it and returns nothing.

Every salon channel (``addons/server/channels.py``) wraps Rasa's message handler with
:func:`answer_faults`. For the duration of one message it keeps a
:class:`TurnFaults` in a context variable:

* :class:`ActionFailureRecorder`, a logging filter on Rasa's processor logger,
  records the failed actions of *this* message (the context variable follows
  the message through every ``await``), and the user gets
  :data:`ACTION_FAILED` after whatever else the turn said. The user's
  message is stored, so the conversation (a form included) goes on with the
  next message once the action server is back.
* ``addons.server.tracker_store.ScalpCareTrackerStore`` raises :class:`TrackerStoreFailed`
  when the database fails during a message. It is deliberately not an
  ``Exception``, so ``FailSafeTrackerStore`` cannot turn it into its in-memory
  fallback; the turn stops, nothing is stored, and the user gets
  :data:`NOT_TAKEN` (send it again).
* Any other exception from the handler (the Redis lock store down, a bug) also
  means the message was not processed and stored: :data:`NOT_TAKEN`; unless
  the tracker store had already stored the turn (:func:`note_stored`; e.g. Redis
  went down before the lock was released), then the turn's replies stand.

The apologies are responses of the domain (``utter_server_action_failed``,
``utter_server_message_not_taken``), worded for the client's channel
(``addons/server/replies.py``). Each case is logged at ERROR with the conversation id
and the cause.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from addons.server.replies import worded
from addons.server.session_ids import log_ref
from scalpcare.phrases import Phrase, phrase

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

#: After a turn in which a custom action failed: the message itself is kept.
ACTION_FAILED = phrase("utter_server_action_failed")
#: When the message could not be processed or stored at all.
NOT_TAKEN = phrase("utter_server_message_not_taken")

#: The logger and message with which Rasa 3.6 reports a failed action
#: (``rasa.core.processor.MessageProcessor._run_action``).
PROCESSOR_LOGGER = "rasa.core.processor"
ACTION_FAILURE_PREFIX = "Encountered an exception while running action "
_FAILED_ACTION = re.compile(re.escape(ACTION_FAILURE_PREFIX) + r"'([^']+)'")


class TrackerStoreFailed(BaseException):
    """The tracker store failed while a channel message was being handled.

    A ``BaseException`` on purpose: Rasa wraps every tracker store in
    ``FailSafeTrackerStore``, which catches every ``Exception`` and carries on
    with a new, empty, in-memory conversation. This one passes through it (and
    through Rasa's processor) to :func:`answer_faults`, which stops the turn.
    It is only raised while :func:`in_channel_turn` is true.
    """


@dataclass
class TurnFaults:
    """What went wrong while one channel message was handled."""

    failed_actions: list[str] = field(default_factory=list)
    #: Whether the tracker store stored the turn (a failure after it, such as
    #: releasing the Redis lock, does not undo the message).
    stored: bool = False


_turn: ContextVar[TurnFaults | None] = ContextVar("scalp_care_turn_faults", default=None)


def in_channel_turn() -> bool:
    """Whether the current code runs for a message that a salon channel is handling."""
    return _turn.get() is not None


def note_stored() -> None:
    """Record that the tracker store stored the current channel turn (if any)."""
    turn = _turn.get()
    if turn is not None:
        turn.stored = True


def failed_action_name(logger_name: str, level: int, message: str) -> str | None:
    """The action a log record reports as failed, or None (pure).

    Args:
        logger_name: The record's logger.
        level: Its level.
        message: Its formatted message.

    Returns:
        The action's name when the record is Rasa's "action failed" error.
    """
    if logger_name != PROCESSOR_LOGGER or level < logging.ERROR:
        return None
    match = _FAILED_ACTION.match(message)
    return match.group(1) if match else None


def reply_for(failed_actions: list[str], message_taken: bool) -> Phrase | None:
    """What to tell the user at the end of a turn, if anything (pure).

    Args:
        failed_actions: The custom actions that failed during the turn.
        message_taken: Whether the message was processed and stored.

    Returns:
        The apology (a phrase of the domain), or None when everything worked.
    """
    if not message_taken:
        return NOT_TAKEN
    if failed_actions:
        return ACTION_FAILED
    return None


class ActionFailureRecorder(logging.Filter):
    """Records Rasa's "action failed" errors in the current turn; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Note the failed action if a channel turn is running; always keep the record."""
        turn = _turn.get()
        if turn is not None:
            name = failed_action_name(record.name, record.levelno, record.getMessage())
            if name is not None:
                turn.failed_actions.append(name)
        return True


def install_action_failure_recorder() -> None:
    """Attach :class:`ActionFailureRecorder` to Rasa's processor logger (once)."""
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if not any(isinstance(f, ActionFailureRecorder) for f in processor_logger.filters):
        processor_logger.addFilter(ActionFailureRecorder())


def store_failure(error: Exception, what: str) -> BaseException:
    """The exception a tracker store should raise for ``error``, after logging it.

    Args:
        error: What the database driver raised.
        what: The operation and conversation, e.g. "saving conversation 'abc'".

    Returns:
        :class:`TrackerStoreFailed` during a channel message (the turn stops
        and the user is asked to send the message again); otherwise ``error``
        itself (the HTTP API, reminders: Rasa's own handling, now logged).
    """
    cause = _cause(error)
    if in_channel_turn():
        logger.error(
            f"Tracker store unavailable while {what} ({cause}). The message is not "
            "processed and the user is asked to send it again."
        )
        return TrackerStoreFailed(f"tracker store unavailable while {what}")
    logger.error(
        f"Tracker store unavailable while {what} ({cause}). Rasa answers this call "
        "from an empty in-memory conversation; nothing of it is stored."
    )
    return error


def _cause(error: BaseException) -> str:
    """What went wrong, for the log, without the statement's parameters.

    They hold conversation ids and what people wrote; the driver's message is enough.
    """
    if isinstance(error, sqlalchemy.exc.StatementError) and error.orig is not None:
        return f"{error.__class__.__name__}: {error.orig}".strip()
    return f"{error.__class__.__name__}: {error}".strip()


async def _say(message: UserMessage, reply: Phrase) -> None:
    try:
        text = worded(reply, message.input_channel)
        await message.output_channel.send_response(message.sender_id, {"text": text})
    except Exception:
        logger.exception(
            f"Could not tell conversation {log_ref(message.sender_id)} about the fault"
        )


def answer_faults(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap Rasa's message handler: a polite answer instead of silence when something fails.

    Args:
        on_new_message: The handler Rasa gives a channel's blueprint.

    Returns:
        A handler that never raises an ``Exception`` (cancellation still passes).
    """
    install_action_failure_recorder()

    async def handle(message: UserMessage) -> Any:
        turn = TurnFaults()
        output = message.output_channel
        collected = output.messages if isinstance(output, CollectingOutputChannel) else None
        already_collected = len(collected) if isinstance(collected, list) else 0
        token = _turn.set(turn)
        result: Any = None
        taken = True
        try:
            result = await on_new_message(message)
        except TrackerStoreFailed as failure:
            taken = False
            logger.error(
                f"Message of conversation {log_ref(message.sender_id)} not processed: {failure}"
            )
        except Exception as error:
            taken = turn.stored
            consequence = (
                " after it was stored; its replies stand"
                if taken
                else "; it was not processed and the user is asked to send it again"
            )
            logger.error(
                f"Message of conversation {log_ref(message.sender_id)} failed "
                f"({error.__class__.__name__}: {error}){consequence}.",
                exc_info=True,
            )
        finally:
            _turn.reset(token)
        if turn.failed_actions and taken:
            logger.error(
                f"Conversation {log_ref(message.sender_id)}: the action(s) "
                f"{', '.join(turn.failed_actions)} failed (is the action server up?); "
                "the user was told."
            )
        reply = reply_for(turn.failed_actions, taken)
        if not taken and isinstance(collected, list):
            # Not sent yet (REST): drop the replies of a turn that was not stored.
            del collected[already_collected:]
        if reply is not None:
            await _say(message, reply)
        return result

    return handle
