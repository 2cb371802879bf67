"""Questions about the salon itself, answered from its profile.

"what are your opening hours?", "where are you?", "how much is a scalp facial?" are
answered from ``salon.yml`` (:mod:`salon.profile`) with the domain's responses; what the
question asks is read by :func:`scalpcare.salon_questions.salon_topics`.

A client's own booking requests (cancel, change, answer staff) are actions/own_bookings.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import parse_service
from actions.replies import worded
from actions.session import this_session
from salon import profile as salon_profile
from scalpcare import salon_questions as questions
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
