"""What Rasa actions and staff tools do with the salon's data, one method per operation.

A :class:`SalonRepository` wraps one session (see :func:`salon.db.session_scope`);
it flushes but never commits, so the caller's unit of work decides.

Privacy rules (docs/threat-model.md, "What is kept, for how long"):

- nothing personal is stored before consent: :meth:`SalonRepository.save_summary` and
  :meth:`SalonRepository.create_booking` raise :class:`ConsentRequiredError` without it;
- a referral made to someone who has not consented is kept anonymously (level and
  conditions only, no client and no sender id) so that staff can still count them;
- a handoff is requested by the person themselves and keeps their sender id (staff
  need it to take the conversation over) until it is forgotten or purged;
- a handoff, a booking request and an urgent referral each write a staff notification
  in the same transaction (:mod:`salon.notify` sends it), which goes with its row;
- :meth:`SalonRepository.forget_client` removes every row of a sender and
  :meth:`SalonRepository.purge_older_than` applies a retention period.
"""

from __future__ import annotations

import sqlalchemy as sa

from salon import notify
from salon.client_records import ClientRecords
from salon.models import (
    BOOKING_EVENTS,
    BOOKING_STATUSES,
    OPEN_BOOKING_STATUSES,
    REFERRAL_LEVELS,
    SERVICES,
    BookingEvent,
    BookingRequest,
    Client,
    HandoffRequest,
    utcnow,
)
from salon.records import (
    ConsentRequiredError,
    DeletedCounts,
    InvalidDataError,
    ReportCounts,
    SalonError,
    UnknownRecordError,
    _clean_text,
)
from salon.validation import normalise_email, normalise_phone

#: ``BookingEvent.by`` for what the client did in the chat, and for the staff CLI.
CLIENT = "client"
COMMAND_LINE = "staff (command line)"


def record_booking_event(
    booking: BookingRequest, event: str, by: str, note: str | None = None
) -> BookingEvent:
    """Add a step to ``booking``'s history, with its status after the step."""
    if event not in BOOKING_EVENTS:
        raise ValueError(f"unknown booking event {event!r}; expected one of {BOOKING_EVENTS}")
    step = BookingEvent(
        event=event, status=booking.status, by=by[:64], note=note, created_at=utcnow()
    )
    booking.events.append(step)
    return step


class SalonRepository(ClientRecords):
    """The salon's data operations on one SQLAlchemy session.

    :class:`ClientRecords`' operations, and booking requests and handoffs.
    """

    # Bookings and handoffs -------------------------------------------------------------

    def create_booking(
        self,
        channel: str,
        sender_id: str,
        service: str,
        *,
        name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        preferred_times: str | None = None,
        referral: str | None = None,
    ) -> BookingRequest:
        """Store a booking request for a client who has consented.

        Its status is ``requested``, or ``held`` when a dermatologist or urgent referral
        stands (``referral``): the salon books it only after a doctor has seen the client.

        The email is normalised (lower-case domain) and the phone number reduced to
        digits with an optional ``+``; the client's contact details are updated too.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.
            service: One of ``salon.models.SERVICES``.
            name: How staff should address the client.
            email: An email address; this or ``phone`` is required.
            phone: A phone number; this or ``email`` is required.
            preferred_times: Free text ("weekday evenings").
            referral: The referral standing in the conversation (``none``/None: none).

        Returns:
            The new booking request.

        Raises:
            ConsentRequiredError: The sender is unknown or has not consented.
            InvalidDataError: Unknown service, no usable email or phone, or an invalid one.
        """
        if service not in SERVICES:
            raise InvalidDataError(f"unknown service {service!r}; expected one of {SERVICES}")
        clean_email = clean_phone = None
        if email and email.strip():
            clean_email = normalise_email(email)
            if clean_email is None:
                raise InvalidDataError("that email address does not look valid")
        if phone and phone.strip():
            clean_phone = normalise_phone(phone)
            if clean_phone is None:
                raise InvalidDataError("that phone number does not look valid")
        if clean_email is None and clean_phone is None:
            raise InvalidDataError("an email address or a phone number is required")
        client = self.find_client(channel, sender_id)
        if client is None or not client.consent_given:
            raise ConsentRequiredError(
                f"sender {sender_id!r} on {channel!r} has not consented: booking not stored"
            )
        clean_name = _clean_text(name, 200)
        held = referral in ("dermatologist", "urgent")
        booking = BookingRequest(
            client_id=client.id,
            service=service,
            preferred_times=_clean_text(preferred_times, 500),
            name=clean_name,
            email=clean_email,
            phone=clean_phone,
            status="held" if held else "requested",
            referral=referral if referral in REFERRAL_LEVELS else None,
            created_at=utcnow(),
        )
        self.session.add(booking)
        client.contact_name = clean_name or client.contact_name
        client.contact_email = clean_email or client.contact_email
        client.contact_phone = clean_phone or client.contact_phone
        client.last_seen_at = utcnow()
        self.session.flush()
        record_booking_event(booking, booking.status, CLIENT)
        self.session.add(notify.for_booking(booking))
        self.session.flush()
        return booking

    def open_bookings(self, channel: str, sender_id: str) -> list[BookingRequest]:
        """The sender's booking requests not yet done or cancelled, newest first."""
        statement = (
            sa.select(BookingRequest)
            .join(Client, Client.id == BookingRequest.client_id)
            .where(
                Client.channel == channel,
                Client.sender_id == sender_id,
                BookingRequest.status.in_(OPEN_BOOKING_STATUSES),
            )
            .order_by(BookingRequest.created_at.desc(), BookingRequest.id.desc())
        )
        return list(self.session.execute(statement).scalars())

    def cancel_own_booking(self, channel: str, sender_id: str, booking_id: int) -> BookingRequest:
        """A client cancels their own request: ``cancelled``, and staff are notified.

        Raises:
            UnknownRecordError: No such open request of this sender.
        """
        booking = self._open_booking(channel, sender_id, booking_id)
        booking.status = "cancelled"
        record_booking_event(booking, "cancelled", CLIENT)
        self.session.add(notify.for_booking_cancelled(booking))
        self.session.flush()
        return booking

    def change_own_booking(
        self, channel: str, sender_id: str, booking_id: int, preferred_times: str
    ) -> BookingRequest:
        """A client asks for other times: staff are notified and confirm again.

        A confirmed request goes back to ``requested`` (the new time is not agreed yet); a
        ``held`` one stays held.

        Raises:
            UnknownRecordError: No such open request of this sender.
            InvalidDataError: No usable times.
        """
        times = _clean_text(preferred_times, 500)
        if not times:
            raise InvalidDataError("the new preferred times are empty")
        booking = self._open_booking(channel, sender_id, booking_id)
        booking.preferred_times = times
        if booking.status == "confirmed":
            booking.status = "requested"
        record_booking_event(booking, "changed", CLIENT, times)
        self.session.add(notify.for_booking_changed(booking))
        self.session.flush()
        return booking

    def reply_to_booking(
        self, channel: str, sender_id: str, booking_id: int, text: str
    ) -> BookingRequest:
        """The client's answer to what staff wrote about their request: kept, staff told.

        Any of the client's own requests, open or not: "ok, thanks" to a decline is kept
        too, but staff are notified only about an open one (a closed one takes no answer).

        Raises:
            UnknownRecordError: No such request of this sender.
            InvalidDataError: An empty answer.
        """
        answer = _clean_text(text, 1000)
        if not answer:
            raise InvalidDataError("the answer is empty")
        booking = self.session.execute(
            sa.select(BookingRequest)
            .join(Client, Client.id == BookingRequest.client_id)
            .where(
                BookingRequest.id == booking_id,
                Client.channel == channel,
                Client.sender_id == sender_id,
            )
        ).scalar_one_or_none()
        if booking is None:
            raise UnknownRecordError(f"no booking {booking_id} for this sender")
        record_booking_event(booking, "replied", CLIENT, answer)
        if booking.status in OPEN_BOOKING_STATUSES:  # a closed one takes no answer
            self.session.add(notify.for_booking_reply(booking))
        self.session.flush()
        return booking

    def _open_booking(self, channel: str, sender_id: str, booking_id: int) -> BookingRequest:
        booking = next(
            (b for b in self.open_bookings(channel, sender_id) if b.id == booking_id), None
        )
        if booking is None:
            raise UnknownRecordError(f"no open booking {booking_id} for this sender")
        return booking

    def set_booking_status(
        self, booking_id: int, status: str, by: str = COMMAND_LINE
    ) -> BookingRequest:
        """Move a booking request to ``confirmed``, ``cancelled`` or ``done``.

        Args:
            booking_id: The booking's id.
            status: The new status.
            by: Who did it (kept in the request's history).

        Returns:
            The updated booking.
        """
        if status not in BOOKING_STATUSES:
            raise InvalidDataError(f"unknown status {status!r}; expected {BOOKING_STATUSES}")
        booking = self.session.get(BookingRequest, booking_id)
        if booking is None:
            raise UnknownRecordError(f"no booking {booking_id}")
        booking.status = status
        record_booking_event(booking, "status", by)
        self.session.flush()
        return booking

    def create_handoff(
        self, channel: str, sender_id: str, reason: str = "", transcript: str | None = None
    ) -> HandoffRequest:
        """Open a request for staff to take the conversation over.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id (kept: staff need it to reply).
            reason: Why (the user's words or the trigger).
            transcript: The conversation so far, as text.

        Returns:
            The new, ``open`` handoff request.
        """
        if not sender_id:
            raise InvalidDataError("sender_id is required")
        client = self.find_client(channel, sender_id)
        handoff = HandoffRequest(
            client_id=client.id if client else None,
            channel=channel,
            sender_id=sender_id,
            reason=_clean_text(reason, 2000),
            transcript=transcript,
            status="open",
            created_at=utcnow(),
        )
        self.session.add(handoff)
        self.session.flush()
        self.session.add(notify.for_handoff(handoff))
        self.session.flush()
        return handoff

    def alert_open_handoffs(self, channel: str, sender_id: str, alert: str) -> int:
        """Record a red flag on the sender's open handoff requests (staff see it first).

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id.
            alert: What to show staff: the level and the client's words.

        Returns:
            How many open handoffs were marked.
        """
        statement = sa.select(HandoffRequest).where(
            HandoffRequest.sender_id == sender_id,
            HandoffRequest.channel == channel,
            HandoffRequest.status == "open",
        )
        handoffs = list(self.session.execute(statement).scalars())
        for handoff in handoffs:
            previous = f"{handoff.alert}\n" if handoff.alert else ""
            handoff.alert = _clean_text(previous + alert, 4000)
        self.session.flush()
        return len(handoffs)

    def close_handoff(self, handoff_id: int) -> HandoffRequest:
        """Mark a handoff request as ``closed``.

        Args:
            handoff_id: The request's id.

        Returns:
            The closed request.
        """
        handoff = self.session.get(HandoffRequest, handoff_id)
        if handoff is None:
            raise UnknownRecordError(f"no handoff request {handoff_id}")
        handoff.status = "closed"
        self.session.flush()
        return handoff


__all__ = [
    "ConsentRequiredError",
    "DeletedCounts",
    "InvalidDataError",
    "ReportCounts",
    "SalonError",
    "SalonRepository",
    "UnknownRecordError",
]
