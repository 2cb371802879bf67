"""A client's own booking requests in the chat: cancel one, change its time, answer staff.

"can I cancel my booking?" asks about the client's newest open request and whether to
cancel it; a yes cancels it and tells staff, another day or time changes it instead.
"can I move my booking?" asks for the new day and time; "can I move it to Friday at
6pm?" changes it at once. A change sends the request back to staff, who confirm a time
again. When staff wrote about a request from the console (``booking_reply_id``), the
client's next message is their answer: it is kept on the request and staff are told.
The context policy reads these answers (addons/policies/context_policy.py); the words
are read by :mod:`scalpcare.booking_words`.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import parse_times, referral_blocks_treatment
from actions.replies import worded
from actions.salon_access import channel_of, notify_staff_soon, with_repository
from salon import profile as salon_profile
from salon.models import OPEN_BOOKING_STATUSES
from salon.records import InvalidDataError
from salon.repository import SalonRepository, UnknownRecordError
from scalpcare import referral as referral_texts
from scalpcare.booking_words import asks_to_change, offers_a_time, time_span
from scalpcare.phrases import phrase

CANCEL_QUESTION = "utter_cancel_booking_question"
CHANGE_QUESTION = "utter_change_booking_question"
CHANGED = "utter_booking_changed"
CANCELLED = "utter_booking_cancelled"
KEPT = "utter_booking_kept"
#: The client's answer to staff, passed on (or not: the request is no longer stored).
REPLY_PASSED_ON = "utter_booking_reply_passed_on"
REPLY_NOT_PASSED_ON = "utter_booking_reply_not_passed_on"
#: The answer about a request staff declined or the client cancelled: kept, not answered.
REPLY_TO_CLOSED = "utter_booking_reply_closed"
#: A request's times when the client gave none.
ANY_TIME = "utter_cancel_booking_any_time"
NOTHING_TO_CANCEL = "utter_no_booking_to_cancel"
#: No open request while the client's own dermatologist or urgent referral stands.
NOTHING_OPEN_UNDER_REFERRAL = "utter_no_booking_under_referral"
#: Set while "Shall I cancel your request...?" waits for its answer.
CANCEL_OFFERED = "cancel_offered"
#: Set while "What day and time would suit you better?" waits for its answer.
CHANGE_OFFERED = "change_offered"
#: The request the question is about.
CANCEL_BOOKING_ID = "cancel_booking_id"
#: Set by the staff console with its message about a request (console/context.py).
BOOKING_REPLY_ID = "booking_reply_id"


def _question_closed() -> list[EventType]:
    return [
        SlotSet(CANCEL_OFFERED, False),
        SlotSet(CHANGE_OFFERED, False),
        SlotSet(CANCEL_BOOKING_ID, None),
    ]


def _service_name(key: str) -> str:
    service = salon_profile.profile().service(key)
    return service.name if service else key.replace("_", " ")


def new_times(text: str) -> str | None:
    """The times a change asks for: the part from the day or time on, else the answer."""
    return parse_times(time_span(text) or text)


class ActionAskCancelBooking(Action):
    """Asked to cancel or change a booking: which request, and what to do with it."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask about the newest open request of this conversation, or say there is none.

        "cancel it?" asks whether to cancel; "move it?" asks for the new time; "move it to
        Friday morning" changes it at once.
        """
        sender, channel = tracker.sender_id, channel_of(tracker)
        text = tracker.latest_message.get("text") or ""
        bookings = await with_repository(
            lambda repo: [
                (b.id, b.service, b.preferred_times) for b in repo.open_bookings(channel, sender)
            ]
        )
        if not bookings:
            contact = worded(salon_profile.profile().contact, domain, tracker)
            referral = referral_blocks_treatment(tracker)
            if referral is not None:
                # "can i still come friday?" after a red flag stopped the booking: there
                # is nothing to move, and the referral comes before any treatment.
                who = worded(referral_texts.WHO[referral], domain, tracker)
                dispatcher.utter_message(
                    response=NOTHING_OPEN_UNDER_REFERRAL, who=who, contact=contact
                )
            else:
                dispatcher.utter_message(response=NOTHING_TO_CANCEL, contact=contact)
            return _question_closed()
        booking_id, service, times = bookings[0]
        asked_about = SlotSet(CANCEL_BOOKING_ID, float(booking_id))
        if asks_to_change(text) and offers_a_time(text):
            return await change_booking(dispatcher, tracker, domain, booking_id, text)
        dispatcher.utter_message(
            response=CHANGE_QUESTION if asks_to_change(text) else CANCEL_QUESTION,
            service=_service_name(service),
            times=times or worded(phrase(ANY_TIME), domain, tracker),
        )
        # The question asked is set last: the context policy reads the latest one set.
        if asks_to_change(text):
            return [SlotSet(CANCEL_OFFERED, False), SlotSet(CHANGE_OFFERED, True), asked_about]
        return [SlotSet(CHANGE_OFFERED, False), SlotSet(CANCEL_OFFERED, True), asked_about]


async def change_booking(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: DomainDict,
    booking_id: int,
    text: str,
) -> list[EventType]:
    """Ask the salon to move request ``booking_id`` to the times in ``text``; say so."""
    sender, channel = tracker.sender_id, channel_of(tracker)
    times = new_times(text)

    def change(repo: SalonRepository) -> str | None:
        try:
            return str(repo.change_own_booking(channel, sender, booking_id, times or "").service)
        except (UnknownRecordError, InvalidDataError):  # not theirs, closed, or no times
            return None

    service = await with_repository(change) if times else None
    if service is None:
        dispatcher.utter_message(
            response=NOTHING_TO_CANCEL,
            contact=worded(salon_profile.profile().contact, domain, tracker),
        )
        return _question_closed()
    notify_staff_soon()
    dispatcher.utter_message(response=CHANGED, service=_service_name(service), times=times)
    return _question_closed()


class ActionChangeBooking(Action):
    """The new day and time for the request asked about: change it and tell staff."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_change_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Change the request asked about (if it is still open) to the times written."""
        booking_id = tracker.get_slot(CANCEL_BOOKING_ID)
        if booking_id is None:
            dispatcher.utter_message(
                response=NOTHING_TO_CANCEL,
                contact=worded(salon_profile.profile().contact, domain, tracker),
            )
            return _question_closed()
        text = tracker.latest_message.get("text") or ""
        return await change_booking(dispatcher, tracker, domain, int(booking_id), text)


class ActionCancelBooking(Action):
    """Yes: cancel the request and tell staff."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Cancel the request asked about (if it is still open)."""
        sender, channel = tracker.sender_id, channel_of(tracker)
        booking_id = tracker.get_slot(CANCEL_BOOKING_ID)
        events = _question_closed()
        if booking_id is None:
            dispatcher.utter_message(
                response=NOTHING_TO_CANCEL,
                contact=worded(salon_profile.profile().contact, domain, tracker),
            )
            return events

        def cancel(repo: SalonRepository) -> str | None:
            try:
                return str(repo.cancel_own_booking(channel, sender, int(booking_id)).service)
            except UnknownRecordError:  # not this client's, or no longer open
                return None

        service = await with_repository(cancel)
        if service is None:
            dispatcher.utter_message(
                response=NOTHING_TO_CANCEL,
                contact=worded(salon_profile.profile().contact, domain, tracker),
            )
            return events
        notify_staff_soon()
        dispatcher.utter_message(response=CANCELLED, service=_service_name(service))
        return events


class ActionKeepBooking(Action):
    """No: the request stays as it is."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_keep_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say so."""
        dispatcher.utter_message(response=KEPT)
        return _question_closed()


class ActionBookingReply(Action):
    """The client's answer to what staff wrote about their request: kept, staff told."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_booking_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Keep the answer on the request (if it is still this client's and open)."""
        sender, channel = tracker.sender_id, channel_of(tracker)
        booking_id = tracker.get_slot(BOOKING_REPLY_ID)
        text = str(tracker.latest_message.get("text") or "")
        done: list[EventType] = [SlotSet(BOOKING_REPLY_ID, None)]

        def keep(repo: SalonRepository) -> str | None:
            try:
                return str(repo.reply_to_booking(channel, sender, int(booking_id), text).status)
            except (UnknownRecordError, InvalidDataError):  # erased, not theirs, or empty
                return None

        status = await with_repository(keep) if booking_id is not None else None
        contact = worded(salon_profile.profile().contact, domain, tracker)
        if status is None:
            dispatcher.utter_message(response=REPLY_NOT_PASSED_ON, contact=contact)
        elif status not in OPEN_BOOKING_STATUSES:
            # Declined or cancelled: nobody will answer it; say so, and how to book again.
            dispatcher.utter_message(response=REPLY_TO_CLOSED, contact=contact)
        else:
            notify_staff_soon()
            dispatcher.utter_message(response=REPLY_PASSED_ON)
        return done
