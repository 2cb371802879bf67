"""Questions about the salon itself, answered from its profile; a client cancels a request.

"what are your opening hours?", "where are you?", "how much is a scalp facial?" are
answered from ``salon.yml`` (:mod:`salon.profile`) with the domain's responses; what the
question asks is read by :func:`scalpcare.salon_questions.salon_topics`.

"can I cancel my booking?" asks about the client's newest open request and whether to
cancel it; a yes cancels it and tells staff, another day or time changes it instead.
"can I move my booking?" asks for the new day and time; "can I move it to Friday
morning?" changes it at once. A change tells staff, who confirm a time again (the
context policy reads the answers: addons/policies/context_policy.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import parse_service, parse_times
from actions.replies import worded
from actions.salon_access import channel_of, notify_staff_soon, with_repository
from actions.session import this_session
from salon import profile as salon_profile
from salon.records import InvalidDataError
from salon.repository import SalonRepository, UnknownRecordError
from scalpcare import salon_questions as questions
from scalpcare.booking_words import asks_to_change, offers_a_time
from scalpcare.phrases import LIST_ITEM, OR, Value, joined, lines, phrase

HOURS = "utter_salon_hours"
LOCATION = "utter_salon_location"
CONTACT = "utter_salon_contact"
SERVICES = "utter_salon_services"
PRICE = "utter_salon_price"
#: The service of the request just sent ("how long will it last?").
BOOKED = "utter_salon_booked_service"
BOOKING_SERVICE = "booking_service"
UNKNOWN = "utter_salon_unknown"
CANCEL_QUESTION = "utter_cancel_booking_question"
CHANGE_QUESTION = "utter_change_booking_question"
CHANGED = "utter_booking_changed"
CANCELLED = "utter_booking_cancelled"
KEPT = "utter_booking_kept"
#: A request's times when the client gave none.
ANY_TIME = "utter_cancel_booking_any_time"
NOTHING_TO_CANCEL = "utter_no_booking_to_cancel"
#: Set while "Shall I cancel your request...?" waits for its answer.
CANCEL_OFFERED = "cancel_offered"
#: Set while "What day and time would suit you better?" waits for its answer.
CHANGE_OFFERED = "change_offered"
#: The request the question is about.
CANCEL_BOOKING_ID = "cancel_booking_id"


def _question_closed() -> list[EventType]:
    return [
        SlotSet(CANCEL_OFFERED, False),
        SlotSet(CHANGE_OFFERED, False),
        SlotSet(CANCEL_BOOKING_ID, None),
    ]


def salon_answers(
    text: str,
    entity_values: list[str],
    word: Callable[[Value], str],
    booked: str | None = None,
) -> list[dict[str, Any]]:
    """The responses (name and variables) that answer ``text`` from the profile.

    Args:
        text: The client's question about the salon.
        entity_values: the NLU's ``service`` values in it.
        word: Words a phrase (the domain's wording, ``actions.replies.worded``).
        booked: The service of the client's latest booking request in this
            conversation: "how long will it last?" asks about that one.

    Returns:
        ``utter_message`` keyword arguments, one per answer.
    """
    salon = salon_profile.profile()
    topics = questions.salon_topics(text) or (questions.HOURS, questions.LOCATION)
    reach = [part for part in (salon.phone, salon.email) if part]
    contact = word(joined(reach, ", ", last=phrase(OR)))
    answers: list[dict[str, Any]] = []
    for topic in topics:
        if topic == questions.HOURS and salon.opening_hours:
            answers.append({"response": HOURS, "salon": salon.name, "hours": salon.opening_hours})
        elif topic == questions.LOCATION and salon.address:
            answers.append({"response": LOCATION, "salon": salon.name, "address": salon.address})
        elif topic == questions.CONTACT and contact:
            answers.append({"response": CONTACT, "salon": salon.name, "contact": contact})
        elif topic in (questions.PRICES, questions.SERVICES) and salon.services:
            named = salon.service(parse_service(text, entity_values, described=False) or "")
            requested = salon.service(booked or "") if questions.refers_back(text) else None
            if named is None and requested is not None:
                answers.append({"response": BOOKED, "service": word(requested.described)})
            elif topic == questions.PRICES and named is not None:
                answers.append({"response": PRICE, "service": word(named.described)})
            else:
                listed = word(lines(phrase(LIST_ITEM, item=s.described) for s in salon.services))
                answers.append({"response": SERVICES, "salon": salon.name, "services": listed})
    if not answers:
        answers.append({"response": UNKNOWN, "contact": word(salon.contact)})
    return answers


class ActionSalonInfo(Action):
    """Answer a question about the salon (hours, where, contact, services and prices)."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_salon_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say what the profile says; the service a price is for comes from the message."""
        text = tracker.latest_message.get("text") or ""
        services = [
            str(e.get("value"))
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "service"
        ]
        booked = latest_booked_service(tracker.events)
        for answer in salon_answers(
            text, services, lambda value: worded(value, domain, tracker), booked
        ):
            dispatcher.utter_message(**answer)
        return []


def latest_booked_service(events: list[dict[str, Any]]) -> str | None:
    """The service of the latest booking request of this session, if any (pure)."""
    for event in reversed(this_session(events)):
        is_service = event.get("event") == "slot" and event.get("name") == BOOKING_SERVICE
        if is_service and event.get("value"):
            return str(event["value"])
    return None


def _service_name(key: str) -> str:
    service = salon_profile.profile().service(key)
    return service.name if service else key.replace("_", " ")


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
            dispatcher.utter_message(
                response=NOTHING_TO_CANCEL,
                contact=worded(salon_profile.profile().contact, domain, tracker),
            )
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
    times = parse_times(text)

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
