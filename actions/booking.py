"""Rasa glue for booking requests: the booking form's answers and sending the request.

A request is stored only with the client's consent and confirmed as a request the salon
will confirm, never as an appointment; while a dermatologist or urgent referral stands
it is held, marked "after a doctor has seen it".
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import worded
from actions.salon_access import (
    BOOKING_CONTACT,
    BOOKING_NAME,
    BOOKING_SERVICE,
    BOOKING_SLOTS,
    BOOKING_TIMES,
    CONSENT_GIVEN,
    CONSENT_OFFERED,
    channel_of,
    notify_staff_soon,
    with_repository,
)
from actions.session import this_session
from salon.models import SERVICES
from salon.validation import normalise_email, normalise_phone, valid_email
from scalpcare import contract
from scalpcare import referral as referral_texts
from scalpcare.booking_words import TIME_WORDS, time_span
from scalpcare.phrases import phrase

BOOKING_DONE = "utter_booking_sent"
BOOKING_UNDER_REFERRAL = "utter_booking_under_referral"
BOOKING_HELD = "utter_booking_held"
BOOKING_STOPPED = "utter_booking_stopped"
BOOKING_NEEDS_CONSENT = "utter_booking_consent_question"
CONTACT_REASK = "utter_reask_booking_contact"
NAME_REASK = "utter_reask_booking_name"
SERVICE_REASK = "utter_reask_booking_service"
BACK_TO_CONSULTATION = "utter_back_to_consultation"
CONSULTATION_FORM = "consultation_form"
TIMES_REASK = "utter_reask_booking_times"


#: The response naming each service ({service} in utter_booking_sent / _held).
SERVICE_TITLES = {
    "scalp_facial": "utter_service_scalp_facial",
    "head_massage_add_on_20": "utter_service_head_massage_add_on_20",
    "head_only_45": "utter_service_head_only_45",
}


#: Intents that interrupt a booking form (the rules answer them).
BOOKING_INTERRUPTIONS = frozenset(
    {
        "faq",
        "ask_salon",
        "cancel_booking",
        "ask_massage_limits",
        "bot_challenge",
        "help",
        "stop",
        "human_handoff",
        "forget_me",
        "restart",
        "goodbye",
        "start_consultation",
    }
)


#: "the second one", "option 2": a place in the list of services offered.
_ORDINAL = r"\b(?:(?:the )?(?:{0}) one|the (?:{0})\b(?! time)|(?:option|number|no\.?) (?:{0}))\b"
_SERVICE_WORDS = (
    (
        re.compile(r"\b(?:add[- ]?on|add|20|twenty|body|with my massage)\b"),
        "head_massage_add_on_20",
    ),
    (
        re.compile(r"\b(?:45|forty[- ]five|head[- ]only|just (?:a )?head|dedicated)\b"),
        "head_only_45",
    ),
    (re.compile(r"\b(?:facial|treatment|scalp care)\b"), "scalp_facial"),
    # A length or a place said of a service names it ("the long head massage", "the long
    # one", "the second option"), even in the request.
    (
        re.compile(r"\b(?:long|longer|longest) (?:head )?(?:one|massage|session|option)\b"),
        "head_only_45",
    ),
    (
        re.compile(
            r"\b(?:short|shorter|shortest|quick|quicker) (?:head )?(?:one|massage|session|option)\b"
        ),
        "head_massage_add_on_20",
    ),
    (re.compile(r"\b(?:the )?(?:third|3rd|last) (?:one|option)\b"), "head_only_45"),
    (re.compile(r"\b(?:the )?(?:second|2nd) (?:one|option)\b"), "head_massage_add_on_20"),
    (re.compile(r"\bthe (?:first|1st) (?:one|option)\b"), "scalp_facial"),
)
#: Described more loosely, by length or place ("longer", "number 2"): only in an answer to
#: the service question (or a later one). In the request itself "had the longest week" or
#: "my hair is really long" names no service.
_SERVICE_DESCRIPTIONS = (
    (
        re.compile(r"\b(?:long|longer|longest)\b|" + _ORDINAL.format("third|3rd|last|3")),
        "head_only_45",
    ),
    (
        re.compile(
            r"\b(?:short|shorter|shortest|quick|quicker)\b|" + _ORDINAL.format("second|2nd|2")
        ),
        "head_massage_add_on_20",
    ),
    (re.compile(_ORDINAL.format("first|1st|1")), "scalp_facial"),
)
#: Days and times, said before the question about them ("the long one, saturday morning").
_NAME_PREFIX = re.compile(
    r"^\s*(?:my name is|my name's|name is|name's|i am|i'm|im|it's|its|this is|call me)\s+",
    re.IGNORECASE,
)
#: A correction of an answer already given ("actually make it friday", "I meant the 45 min one").
_CORRECTION = re.compile(
    r"\b(?:actually|i meant|i mean|instead|change (?:it|that|the \w+) to|make (?:it|that)|"
    r"not the|rather have|wrong)\b",
    re.IGNORECASE,
)
#: Words the name extractor sometimes tags that are no one's name ("her birthday...").
_NOT_NAMES = frozenset(
    (
        *("her", "him", "his", "she", "he", "me", "my", "mine", "it", "they", "them", "their"),
        *("mum", "mom", "mother", "dad", "father", "wife", "husband", "son", "daughter"),
        *("friend", "sister", "brother", "partner"),
    )
)
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’ .-]*(?:[ '’.-]+[^\W\d_][^\W\d_'’.-]*){0,3}\.?$")


#: "a head massage" alone: the 20-minute add-on or the 45-minute session?
_HEAD_MASSAGE = re.compile(r"\bhead[- ]?massages?\b")
_HEAD_SERVICES = frozenset({"head_massage_add_on_20", "head_only_45"})


def _which_head_massage_unsaid(lowered: str, value: str) -> bool:
    """Is a head massage named without a word that says which one?

    In "can I book a head massage?" the entity's guess is not the client's choice: the
    form asks which.
    """
    if value not in _HEAD_SERVICES or not _HEAD_MASSAGE.search(lowered):
        return False
    return not any(
        pattern.search(lowered) for pattern, service in _SERVICE_WORDS if service in _HEAD_SERVICES
    )


def parse_service(text: str, entity_values: list[str], described: bool = True) -> str | None:
    """The service asked for: an NLU entity value or words in the text (pure).

    Args:
        text: The client's message.
        entity_values: The NLU's ``service`` values (a bare "head massage" tagged as one
            of the two head massages is not taken: the client has not said which).
        described: Also read the looser descriptions by length or place ("longer",
            "number 2"): only once the services have been offered.
    """
    lowered = text.lower()
    for value in entity_values:
        if value in SERVICES and not _which_head_massage_unsaid(lowered, value):
            return value
    for pattern, service in _SERVICE_WORDS + (_SERVICE_DESCRIPTIONS if described else ()):
        if pattern.search(lowered):
            return service
    return None


def parse_name(text: str, entity_values: list[str]) -> str | None:
    """A short answer like "it's Priya Shah", else the ``person`` entity (pure).

    The whole answer wins when it is a name that contains what the entity found:
    the extractor often tags only part of a full name ("Maria" of "Maria Lopez").
    """
    candidate = _NAME_PREFIX.sub("", text.strip()).strip(" .!")
    is_name = (
        1 <= len(candidate) <= 60
        and bool(_NAME.match(candidate))
        and candidate.lower() not in _NOT_NAMES
    )
    entity_values = [v for v in entity_values if v.lower() not in _NOT_NAMES]
    found = " ".join(entity_values)[:80]
    if is_name and all(value.lower() in candidate.lower() for value in entity_values):
        return candidate
    return found or None


#: "name's Maya Brooks", "i'm Aisha btw", "im Lena": a capitalised name introduced in
#: passing (chat spelling too: "im", "Im", a curly apostrophe).
_INTRODUCED = re.compile(
    r"\b(?:[Mm]y name is|[Mm]y name[’']s|[Nn]ame[’']s|[Nn]ame is|[Ii][’']?m|[Ii] am|"
    r"[Tt]his is|[Cc]all me)"
    r"\s+([A-Z][^\W\d_]+(?:[ '-][A-Z][^\W\d_]+){0,2})\b"
)
#: Capitalised words after "I'm" that are no name ("I'm Free on Saturday", "im Not sure").
_NOT_INTRODUCED = frozenset(
    (
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("free", "busy", "available", "not", "so", "sorry", "just", "here", "back", "ok"),
        *("okay", "fine", "good", "interested", "looking", "booking", "new", "a", "the"),
        *("going", "trying", "wondering", "thinking", "still", "also", "really", "very"),
        *("pregnant", "vegan", "vegetarian", "in", "on", "at", "after", "around"),
    )
)


def introduced_name(text: str) -> str | None:
    """A name the user gives before being asked for it ("... name's Maya Brooks") (pure)."""
    match = _INTRODUCED.search(text)
    if match is None:
        return None
    name = match.group(1)
    first = name.split()[0].lower()
    if name.lower() in _NOT_NAMES or first in _NOT_NAMES or first in _NOT_INTRODUCED:
        return None
    return name


def parse_contact(text: str) -> str | None:
    """An email address or a phone number found in the text, normalised (pure)."""
    for token in re.findall(r"[^\s,;<>@]{1,64}@[^\s,;<>@]{1,255}", text):
        email = normalise_email(token.strip(".()"))
        if email and valid_email(email):
            return email
    for chunk in re.findall(r"[+(]?\d[\d\s().-]{5,30}\d", text):
        phone = normalise_phone(chunk)
        if phone:
            return phone
    return None


#: Clauses of a times answer that are about something else: a day ruled out ("saturday
#: doesn't work"), a name or contact details given in the same message.
_NOT_TIMES = re.compile(
    r"\b(?:not|doesn'?t|dont|don'?t|can'?t|cannot|won'?t|isn'?t|no longer|name|email|"
    r"number|phone|call me)\b|@|\d{5,}",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;!?\n]|\.(?=\s|$)")


#: A request to book before the times in the same message ("can I book a facial for...").
_ASKS_TO_BOOK = re.compile(
    r"\b(?:book\w*|appointment|appt|reserve|schedule|come in|slot|request)\b", re.IGNORECASE
)


def parse_times(text: str) -> str | None:
    """Preferred days/times: any short, real answer, without what is not a time (pure).

    "oh wait, saturday doesn't work after all, friday evening instead. name is Jo" keeps
    "friday evening instead": the day ruled out and the name are not the times; "can I
    book a scalp facial for Wednesday at 2pm?" keeps "Wednesday at 2pm".
    """
    clean = " ".join(text.split())
    if clean.startswith("/") or not re.search(r"[^\W\d_]", clean):
        return None
    span = time_span(clean)
    if span and _ASKS_TO_BOOK.search(clean[: clean.find(span)]):
        clean = span
    clauses = [c.strip() for c in _CLAUSE_BREAK.split(clean) if c.strip()]
    kept = [c for c in clauses if not _NOT_TIMES.search(c)]
    if len(kept) < len(clauses) and any(TIME_WORDS.search(c) for c in kept):
        clean = ", ".join(kept)
    return clean[:200] if len(clean) >= 2 else None


class ValidateBookingForm(FormValidationAction):
    """Read the booking answers; re-ask clearly when one cannot be used."""

    def name(self) -> str:
        """Return the action's name."""
        return "validate_booking_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Fill the requested slot (and the service when named); interruptions pass."""
        intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
        if intent in BOOKING_INTERRUPTIONS:
            return []
        text = tracker.latest_message.get("text") or ""
        entities = tracker.latest_message.get("entities") or []

        def values(name: str) -> list[str]:
            return [str(e.get("value")) for e in entities if e.get("entity") == name]

        requested = tracker.get_slot("requested_slot")
        events: list[EventType] = []
        referral = referral_blocks_treatment(tracker)
        if requested is None and referral is not None:
            # The form starts: say first why the request will be held.
            who = worded(referral_texts.WHO[referral], domain, tracker)
            dispatcher.utter_message(response=BOOKING_UNDER_REFERRAL, who=who)
        service = parse_service(text, values("service"), described=requested is not None)
        # "actually, I meant the 45 min one": a correction replaces the answer given; so
        # does a service named in answer to a later question ("the long one i think",
        # asked for the days and times), which answers the service, not that question.
        times_said = bool(TIME_WORDS.search(text)) and not text.startswith("/")
        about_service = (
            bool(service) and not times_said and requested in (BOOKING_TIMES, BOOKING_NAME)
        )
        correction = bool(_CORRECTION.search(text)) or about_service
        if service and (
            requested == BOOKING_SERVICE or correction or not tracker.get_slot(BOOKING_SERVICE)
        ):
            events.append(SlotSet(BOOKING_SERVICE, service))
        # What else the message gives is kept for its own question, never thrown away.
        if (
            times_said
            and requested != BOOKING_TIMES
            and (correction or not tracker.get_slot(BOOKING_TIMES))
        ):
            events.append(SlotSet(BOOKING_TIMES, parse_times(text)))
        if requested != BOOKING_NAME and not tracker.get_slot(BOOKING_NAME):
            name = introduced_name(text)
            if name:
                events.append(SlotSet(BOOKING_NAME, name))
        if requested != BOOKING_CONTACT and not tracker.get_slot(BOOKING_CONTACT):
            contact = parse_contact(text)
            if contact:
                events.append(SlotSet(BOOKING_CONTACT, contact))
        if about_service:
            # The question asked is asked again (its slot stays empty).
            return events
        if requested == BOOKING_TIMES:
            times = parse_times(text)
            events.append(SlotSet(BOOKING_TIMES, times))
            if times is None:
                dispatcher.utter_message(response=TIMES_REASK)
        elif requested == BOOKING_NAME:
            # "sat morning" in answer to the name is a day, never a name; "friday instead,
            # name is Jo Patel" gives both.
            name = introduced_name(text) if times_said else parse_name(text, values("person"))
            events.append(SlotSet(BOOKING_NAME, name))
            if name is None and not times_said and not (correction and events[:-1]):
                # (A correction of an earlier answer is no failed name: the form asks again.)
                dispatcher.utter_message(response=NAME_REASK)
        elif requested == BOOKING_CONTACT:
            contact = parse_contact(text)
            events.append(SlotSet(BOOKING_CONTACT, contact))
            if contact is None:
                dispatcher.utter_message(response=CONTACT_REASK)
        elif requested == BOOKING_SERVICE and service is None:
            events.append(SlotSet(BOOKING_SERVICE, None))
            dispatcher.utter_message(response=SERVICE_REASK)
        return events


def referral_blocks_treatment(tracker: Tracker) -> contract.Referral | None:
    """The client's own standing referral when it rules out exfoliation and massage.

    Another person's red flag (a daughter's bald patch) does not hold the client's own
    request; None when nothing holds it.
    """
    level = contract.own_referral(
        tracker.get_slot(contract.OWN_REFERRAL), tracker.get_slot(contract.REFERRAL)
    )
    return level if level.rank >= contract.Referral.DERMATOLOGIST.rank else None


async def submit_booking(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType]:
    """Store the booking request and confirm it as a request (held under a referral)."""
    service = str(tracker.get_slot(BOOKING_SERVICE))
    contact = str(tracker.get_slot(BOOKING_CONTACT))
    name = str(tracker.get_slot(BOOKING_NAME))
    times = str(tracker.get_slot(BOOKING_TIMES))
    email = contact if "@" in contact else None
    phone = None if email else contact
    sender, channel = tracker.sender_id, channel_of(tracker)
    referral = referral_blocks_treatment(tracker)
    await with_repository(
        lambda repo: repo.create_booking(
            channel,
            sender,
            service,
            name=name,
            email=email,
            phone=phone,
            preferred_times=times,
            referral=referral.value if referral else None,
        )
    )
    notify_staff_soon()
    dispatcher.utter_message(
        response=BOOKING_HELD if referral else BOOKING_DONE,
        name=name.split()[0],
        service=worded(phrase(SERVICE_TITLES[service]), domain, tracker)
        if service in SERVICE_TITLES
        else service,
        times=times,
    )
    return [
        *(SlotSet(slot, None) for slot in BOOKING_SLOTS),
        *resume_consultation(dispatcher, tracker),
    ]


def resume_consultation(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After a booking request (sent or not): the consultation it interrupted goes on."""
    if not consultation_interrupted(tracker.events):
        return []
    dispatcher.utter_message(response=BACK_TO_CONSULTATION)
    return [FollowupAction(CONSULTATION_FORM)]


def consultation_interrupted(events: list[dict[str, Any]]) -> bool:
    """Did this session start a consultation that neither finished nor was stopped (pure)?

    Read from the newest event of the session back: a routine given or a "stop" ends
    the question; the consultation form's activation answers it.
    """
    events = this_session(events)
    for i in range(len(events) - 1, -1, -1):
        kind, name = events[i].get("event"), events[i].get("name")
        if kind == "action" and name == "action_give_routine":
            return False
        if kind == "action" and name == "action_stop_or_skip":
            after = events[i + 1] if i + 1 < len(events) else {}
            if after.get("event") == "active_loop" and not after.get("name"):
                return False  # a real "stop" (a skip leaves the form going)
        if kind == "active_loop" and name == CONSULTATION_FORM:
            return True
    return False


class ActionStopBooking(Action):
    """End the booking request: the client will reach the salon another way."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_stop_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say nothing was sent; forget what the unfinished request had collected."""
        dispatcher.utter_message(response=BOOKING_STOPPED)
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *(SlotSet(slot, None) for slot in BOOKING_SLOTS),
        ]


class ActionSubmitBooking(Action):
    """Send the booking request, or ask for consent to store contact details first."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_submit_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store it with consent; otherwise ask once."""
        if tracker.get_slot(CONSENT_GIVEN) is True:
            return await submit_booking(dispatcher, tracker, domain)
        dispatcher.utter_message(response=BOOKING_NEEDS_CONSENT)
        return [SlotSet(CONSENT_OFFERED, True)]
