"""Rasa glue for the salon: consent, returning clients, check-ins, erasure, handoff.

Booking requests are in :mod:`actions.booking`; the database access both use is in
:mod:`actions.salon_access`.

The salon's database is reached through :mod:`salon` (one engine per
URL, created on first use, and one session per action run). Repository calls
block, so they run in a worker thread. The chat itself is kept for
``TRACKER_RETENTION_DAYS`` days after its last message (``salon/retention.py``);
a note of the consultation and booking requests only when the client agrees; contact
details never reach the logs.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    AllSlotsReset,
    ConversationPaused,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import resume_consultation, submit_booking
from actions.replies import worded
from actions.salon_access import (
    BOOKING_CONTACT,
    BOOKING_SLOTS,
    CONSENT_GIVEN,
    CONSENT_OFFERED,
    channel_of,
    engine,
    notify_staff_soon,
    with_repository,
)
from salon import db, retention
from salon import profile as salon_profile
from salon.opening import status_at
from salon.repository import SalonRepository
from scalpcare import confirmation, contract
from scalpcare.phrases import Value, and_list, phrase

logger = logging.getLogger(__name__)

FORGET_OFFERED = "forget_offered"
AWAITING_FEEDBACK = "awaiting_feedback"
CHECKIN_INTENT = "EXTERNAL_routine_checkin"
CHECKIN_DELAY_ENV = "CHECKIN_DELAY_SECONDS"
DEFAULT_CHECKIN_DELAY_S = 7 * 24 * 3600
#: The replies these actions send, by their names in domain.yml (text, variables, buttons).
CONSENT_QUESTION = "utter_consent_question"
CONSENT_THANKS = "utter_consent_thanks"
CONSENT_DECLINED = "utter_consent_declined"
WELCOME_BACK_PLAIN = "utter_welcome_back"
WELCOME_BACK = "utter_welcome_back_with_notes"
HEALTHY_SCALP = "utter_welcome_back_no_concerns"
#: The action that sends the routine (its text is kept with the consented summary).
ROUTINE_ACTION = "action_give_routine"
FEEDBACK_NO_NOTES = "utter_feedback_no_notes"
FEEDBACK_THANKS = "utter_feedback_noted"
CHECKIN = "utter_checkin"
FORGET_QUESTION = "utter_forget_question"
FORGOTTEN = "utter_forgotten"
NOT_FORGOTTEN = "utter_not_forgotten"
HANDOFF = "utter_handoff"
HANDOFF_NO_HOURS = "utter_handoff_no_hours"
#: With the hours per day in the profile: open now (until {closes}), or closed (a person
#: answers from {opens}: utter_when_today / _tomorrow / _day).
HANDOFF_OPEN = "utter_handoff_open"
HANDOFF_CLOSED = "utter_handoff_closed"
WHEN_TODAY = "utter_when_today"
WHEN_TOMORROW = "utter_when_tomorrow"
WHEN_DAY = "utter_when_day"


def when_words(moment: datetime, now: datetime) -> Value:
    """A local opening time as a client reads it: "tomorrow at 9:00" (a phrase, pure)."""
    clock = f"{moment.hour}:{moment.minute:02d}"
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    if days == 0:
        return phrase(WHEN_TODAY, time=clock)
    if days == 1:
        return phrase(WHEN_TOMORROW, time=clock)
    return phrase(WHEN_DAY, day=moment.strftime("%A"), time=clock)


def handoff_reply(salon: salon_profile.SalonProfile, now: datetime) -> dict[str, Any]:
    """What a client who asked for a person is told: who answers and roughly when (pure).

    Returns:
        ``utter_message`` keyword arguments (the ``{opens}`` phrase still to be worded).
    """
    status = status_at(salon.hours, now) if salon.hours else None
    if status is not None and status.open and status.closes is not None:
        closes = f"{status.closes.hour}:{status.closes.minute:02d}"
        return {"response": HANDOFF_OPEN, "salon": salon.name, "closes": closes}
    if status is not None and status.opens is not None:
        return {
            "response": HANDOFF_CLOSED,
            "salon": salon.name,
            "opens": when_words(status.opens, now),
            "hours": salon.opening_hours or "",
        }
    if salon.opening_hours:
        return {"response": HANDOFF, "salon": salon.name, "hours": salon.opening_hours}
    return {"response": HANDOFF_NO_HOURS, "salon": salon.name}


BOOKING_NOT_SENT = "utter_booking_not_sent"

#: Channels whose conversation id proves its owner (a server-issued widget token, a
#: signed webhook): only there does a returning client see what was stored about them.
AUTHENTICATED_CHANNELS = frozenset(("socketio", "telegram", "twilio", "facebook"))
#: The consultation form, and the action that ends it with the routine (domain.yml).
CONSULTATION_FORM = "consultation_form"
ROUTINE_ACTION = "action_give_routine"


# ---------------------------------------------------------------------------
# Database access
# ---------------------------------------------------------------------------


def checkin_delay() -> timedelta:
    """How long after consent the check-in comes (``$CHECKIN_DELAY_SECONDS``)."""
    raw = os.environ.get(CHECKIN_DELAY_ENV, "")
    try:
        seconds = float(raw) if raw else DEFAULT_CHECKIN_DELAY_S
    except ValueError:
        seconds = DEFAULT_CHECKIN_DELAY_S
    return timedelta(seconds=max(1.0, seconds))


def transcript_of(events: list[dict[str, Any]], limit: int = 40) -> str:
    """The last user and bot messages as plain text, for staff."""
    lines = []
    for event in events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            who = "client" if event["event"] == "user" else "assistant"
            lines.append(f"{who}: {event['text']}")
    return "\n".join(lines[-limit:])


def concerns_text(concerns: list[str] | None) -> Value:
    """Concerns in plain words, e.g. "oiliness and flaking" ("a healthy scalp" if none)."""
    names = [
        phrase(contract.CONCERN_NAMES[c]) for c in (concerns or []) if c in contract.CONCERN_NAMES
    ]
    return and_list(names, phrase(HEALTHY_SCALP))


# ---------------------------------------------------------------------------
# Consent and the consultation summary
# ---------------------------------------------------------------------------
def summary_values(tracker: Tracker) -> dict[str, Any]:
    """The consultation summary to store, from the contract slots."""
    return {
        "concerns": tracker.get_slot(contract.CONCERNS) or [],
        "scalp_type": tracker.get_slot(contract.SCALP_TYPE),
        "sensitive": tracker.get_slot(contract.SENSITIVE_SCALP),
        "referral": contract.Referral.parse(tracker.get_slot(contract.REFERRAL)).value,
        "massage_max_minutes": tracker.get_slot(contract.MASSAGE_MAX_MINUTES),
        "massage_max_sessions_per_day": tracker.get_slot(contract.MASSAGE_MAX_SESSIONS_PER_DAY),
        "routine_text": routine_sent(tracker),
    }


def routine_sent(tracker: Tracker) -> str | None:
    """The latest routine the client was given (the text ``action_give_routine`` sent).

    Found by the action that sent it, not by its words, which staff may change.
    """
    routine, action, first = None, None, False
    for event in tracker.events:
        kind = event.get("event")
        if kind == "action":
            action, first = event.get("name"), True
        elif kind == "bot" and event.get("text"):
            if action == ROUTINE_ACTION and first:
                routine = str(event["text"])  # its first message (the consent question follows)
            first = False
    return routine


def checkin_due() -> datetime:
    """When the check-in that asks how the routine went is due (``$CHECKIN_DELAY_SECONDS``)."""
    return datetime.now(timezone.utc) + checkin_delay()


async def store_summary(tracker: Tracker, overrides: dict[str, Any] | None = None) -> None:
    """Store the consultation summary (the client has consented).

    Args:
        tracker: The conversation.
        overrides: Values the current action has just decided (the routine it
            sent, the limits it set), which are not on the tracker yet.
    """
    sender, channel = tracker.sender_id, channel_of(tracker)
    values = {**summary_values(tracker), **(overrides or {})}
    await with_repository(lambda repo: repo.save_summary(channel, sender, **values))


class ActionGiveConsent(Action):
    """The user agreed: record consent, store the summary, schedule the check-in."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_give_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store consent and the summary; schedule the check-in (kept across restarts)."""
        sender, channel = tracker.sender_id, channel_of(tracker)
        booking = bool(tracker.get_slot(BOOKING_CONTACT))

        def consent(repo: SalonRepository) -> None:
            repo.give_consent(channel, sender)
            if not booking:  # a routine to ask about
                repo.schedule_message(channel, sender, CHECKIN_INTENT, checkin_due())

        await with_repository(consent)
        events: list[EventType] = [SlotSet(CONSENT_OFFERED, False), SlotSet(CONSENT_GIVEN, True)]
        if booking:
            return events + await submit_booking(dispatcher, tracker, domain)
        await store_summary(tracker)
        dispatcher.utter_message(response=CONSENT_THANKS)
        return events


class ActionDeclineConsent(Action):
    """The user said no: store nothing, and say so."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_decline_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Respect the no; the conversation goes on."""
        booking = bool(tracker.get_slot(BOOKING_CONTACT))
        reply = BOOKING_NOT_SENT if booking else CONSENT_DECLINED
        dispatcher.utter_message(response=reply, days=retention.retention_days())
        events: list[EventType] = [SlotSet(CONSENT_OFFERED, False), SlotSet(CONSENT_GIVEN, False)]
        if booking:
            events += [SlotSet(slot, None) for slot in BOOKING_SLOTS]
            events += resume_consultation(dispatcher, tracker)
        return events


async def offer_or_store_summary(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    overrides: dict[str, Any] | None = None,
) -> list[EventType]:
    """After a routine: store it if the user consented before, else ask once."""
    if tracker.get_slot(CONSENT_GIVEN) is True:
        await store_summary(tracker, overrides)
        return []
    if tracker.get_slot(CONSENT_GIVEN) is False or tracker.get_slot("summary_offered"):
        return []  # asked already (a no is respected), or another offer is pending
    dispatcher.utter_message(response=CONSENT_QUESTION, days=retention.retention_days())
    return [SlotSet(CONSENT_OFFERED, True)]


async def alert_handoff(tracker: Tracker, level: str, words: str, what: str = "red flag") -> None:
    """Mark the open handoff: the client wrote a red flag (or a crisis) while waiting."""
    sender, channel = tracker.sender_id, channel_of(tracker)
    alert = f"{level.upper()} {what} while waiting: {words[:500]}"
    try:
        await with_repository(lambda repo: repo.alert_open_handoffs(channel, sender, alert))
    except Exception:  # the safety reply matters more than the record
        logger.exception("could not record a red flag on the open handoff")


async def record_referral(tracker: Tracker, level: str, conditions: list[str]) -> None:
    """Record a referral for staff (anonymous without consent); never blocks triage."""
    sender, channel = tracker.sender_id, channel_of(tracker)
    try:
        await with_repository(lambda repo: repo.record_referral(channel, sender, level, conditions))
        if level == "urgent":
            notify_staff_soon()
    except Exception:  # the referral reply matters more than the record
        logger.exception("could not record a referral in the salon database")


# ---------------------------------------------------------------------------
# Sessions, returning clients, check-ins
# ---------------------------------------------------------------------------
class ActionSessionStart(Action):
    """Start a session; welcome a returning client back with what we know."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Carry slots over, then restore a consented client's last consultation."""
        events: list[EventType] = [SessionStarted()]
        carried = {
            name: value
            for name, value in tracker.slots.items()
            if value is not None and name != "requested_slot"
        }
        events += [SlotSet(name, value) for name, value in carried.items()]
        sender, channel = tracker.sender_id, channel_of(tracker)

        def latest(repo: SalonRepository) -> dict[str, Any] | None:
            summary = repo.latest_summary(channel, sender)
            if summary is None:
                return None
            return {
                "concerns": list(summary.concerns or []),
                "scalp_type": summary.scalp_type,
                "sensitive": summary.sensitive,
            }

        try:
            previous = await with_repository(latest)
        except Exception:  # the salon database must never block a conversation
            logger.exception("could not read the salon database at session start")
            previous = None
        if previous is not None and channel not in AUTHENTICATED_CHANNELS:
            # Anyone can claim an id on this channel (REST, the shell): welcome them and
            # take their feedback, but show and restore nothing that was stored.
            dispatcher.utter_message(response=WELCOME_BACK_PLAIN)
            events += [SlotSet(CONSENT_GIVEN, True), SlotSet(AWAITING_FEEDBACK, True)]
        elif previous is not None:
            dispatcher.utter_message(
                response=WELCOME_BACK,
                what=worded(concerns_text(previous["concerns"]), domain, tracker),
            )
            events += [
                SlotSet(CONSENT_GIVEN, True),
                SlotSet(AWAITING_FEEDBACK, True),
                SlotSet(contract.CONCERNS, previous["concerns"]),
            ]
            if previous["scalp_type"] in contract.SCALP_TYPE_VALUES:
                events.append(SlotSet(contract.SCALP_TYPE, previous["scalp_type"]))
            if previous["sensitive"] is not None:
                events.append(SlotSet(contract.SENSITIVE_SCALP, previous["sensitive"]))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionRoutineCheckin(Action):
    """The scheduled check-in: ask how the routine is going."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_routine_checkin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask, and wait for the answer."""
        dispatcher.utter_message(response=CHECKIN)
        return [SlotSet(AWAITING_FEEDBACK, True)]


class ActionRecordFeedback(Action):
    """Add how the routine went to the client's notes."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Update the record instead of starting over.

        Someone who has had no routine from us (none in their notes, none in this
        conversation, no check-in waiting) is describing their scalp, however much it
        sounds like feedback ("my scalp is still gross"): the consultation starts with
        that message, as for ``describe_scalp``.
        """
        text = tracker.latest_message.get("text") or ""
        sender, channel = tracker.sender_id, channel_of(tracker)
        updated = await with_repository(
            lambda repo: repo.record_feedback(channel, sender, text) is not None
        )
        if not updated and not has_had_routine(tracker):
            return [FollowupAction(CONSULTATION_FORM)]
        dispatcher.utter_message(response=FEEDBACK_THANKS if updated else FEEDBACK_NO_NOTES)
        return [SlotSet(AWAITING_FEEDBACK, False)]


def last_reply_was(tracker: Tracker, response: str) -> bool:
    """Whether the assistant's latest message was the domain response ``response``."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action") == response
    return False


def has_had_routine(tracker: Tracker) -> bool:
    """Whether a routine was given in this conversation or a check-in awaits feedback (pure)."""
    if tracker.get_slot(AWAITING_FEEDBACK):
        return True
    return any(
        event.get("event") == "action" and event.get("name") == ROUTINE_ACTION
        for event in tracker.events
    )


# ---------------------------------------------------------------------------
# Forget me
# ---------------------------------------------------------------------------
class ActionAskForget(Action):
    """Confirm before erasing anything."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_forget"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask, with buttons; a typed answer to the question itself decides.

        "yes delete it" or the button's title typed out (WhatsApp has no buttons) read
        as "forget me" again; right after the question they are its answer, not a new
        request: erase (``action_forget_me``) or keep (``action_keep_data``).
        """
        if tracker.get_slot(FORGET_OFFERED) is True and last_reply_was(tracker, FORGET_QUESTION):
            answer = confirmation.confirms(tracker.latest_message.get("text"))
            if answer is not None:
                return [FollowupAction("action_forget_me" if answer else "action_keep_data")]
        dispatcher.utter_message(response=FORGET_QUESTION)
        return [SlotSet(FORGET_OFFERED, True)]


class ActionForgetMe(Action):
    """Erase the client's rows; the tracker store erases the conversation.

    ``addons.server.tracker_store.ScalpCareTrackerStore`` deletes every event stored
    before this action when it saves the conversation, so afterwards
    ``GET /conversations/{id}/tracker`` shows nothing said before.
    """

    def name(self) -> str:
        """Return the action's name."""
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Delete everything stored about the sender on this channel, then confirm."""
        sender, channel = tracker.sender_id, channel_of(tracker)
        await with_repository(lambda repo: repo.forget_client(sender, channel))
        await asyncio.to_thread(db.vacuum, engine())
        dispatcher.utter_message(response=FORGOTTEN)
        return [AllSlotsReset(), SlotSet(FORGET_OFFERED, False)]


class ActionKeepData(Action):
    """The user changed their mind about erasure."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_keep_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say nothing was deleted."""
        dispatcher.utter_message(response=NOT_FORGOTTEN)
        return [SlotSet(FORGET_OFFERED, False)]


# ---------------------------------------------------------------------------
# Human handoff
# ---------------------------------------------------------------------------
class ActionHandoff(Action):
    """Record a handoff request with the conversation and pause the bot."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell the user what happens next, then stay quiet until staff hand back."""
        sender, channel = tracker.sender_id, channel_of(tracker)
        reason = tracker.latest_message.get("text") or "asked for a person"
        transcript = transcript_of(tracker.events)
        await with_repository(
            lambda repo: repo.create_handoff(channel, sender, reason=reason, transcript=transcript)
        )
        notify_staff_soon()
        told = handoff_reply(salon_profile.profile(), datetime.now(timezone.utc))
        if "opens" in told:
            told["opens"] = worded(told["opens"], domain, tracker)
        dispatcher.utter_message(**told)
        # Rasa predicts nothing more once paused, so the action itself marks the
        # bot as listening: when staff hand back, the next message starts a
        # normal turn instead of continuing this one.
        return [ConversationPaused(), ActionExecuted("action_listen")]


# ---------------------------------------------------------------------------
# Booking requests
# ---------------------------------------------------------------------------
