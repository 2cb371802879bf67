"""The client side of the salon's data: clients, consent, summaries, referrals.

Also feedback and scheduled messages, on one session (the caller commits).
:class:`salon.repository.SalonRepository` adds booking requests and handoffs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from salon import notify
from salon.models import (
    REFERRAL_LEVELS,
    Client,
    ConsultationSummary,
    Referral,
    ScheduledMessage,
    utcnow,
)
from salon.records import (
    ConsentRequiredError,
    InvalidDataError,
    UnknownRecordError,
    _aware,
    _clean_text,
)
from salon.staff_queries import StaffQueries
from scalpcare.contract import CONCERN_VALUES, SCALP_TYPE_VALUES
from scalpcare.contract import Referral as ReferralLevel


class ClientRecords(StaffQueries):
    """Clients, consent, summaries, feedback, referrals and scheduled messages."""

    """The salon's data operations on one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        """Wrap ``session``; the caller commits (``session_scope`` does it)."""
        self.session = session

    # Clients and consent -------------------------------------------------------------

    def find_client(self, channel: str, sender_id: str) -> Client | None:
        """Return the client for ``(channel, sender_id)``, or None.

        Args:
            channel: The input channel's name (``socketio``, ``rest``, ``telegram``...).
            sender_id: Rasa's conversation id on that channel.

        Returns:
            The client row, or None for someone never seen.
        """
        statement = sa.select(Client).where(
            Client.channel == channel, Client.sender_id == sender_id
        )
        return self.session.execute(statement).scalar_one_or_none()

    def get_or_create_client(self, channel: str, sender_id: str) -> Client:
        """Return the client for ``(channel, sender_id)``, creating it without consent.

        The row holds no personal data until :meth:`give_consent`; ``last_seen_at`` is
        refreshed on every call (the retention period counts from it).

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.

        Returns:
            The existing or new client.
        """
        if not channel or not sender_id:
            raise InvalidDataError("channel and sender_id are required")
        client = self.find_client(channel, sender_id)
        if client is None:
            now = utcnow()
            client = Client(
                channel=channel,
                sender_id=sender_id,
                consent_given=False,
                created_at=now,
                last_seen_at=now,
            )
            self.session.add(client)
        else:
            client.last_seen_at = utcnow()
        self.session.flush()
        return client

    def _require_client(self, channel: str, sender_id: str) -> Client:
        client = self.find_client(channel, sender_id)
        if client is None:
            raise UnknownRecordError(f"no client for sender {sender_id!r} on {channel!r}")
        return client

    def has_consent(self, channel: str, sender_id: str) -> bool:
        """Tell whether ``(channel, sender_id)`` has consented to storage.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.

        Returns:
            True only for a known client whose consent stands.
        """
        client = self.find_client(channel, sender_id)
        return bool(client and client.consent_given)

    def give_consent(self, channel: str, sender_id: str, at: datetime | None = None) -> Client:
        """Record that the person agreed to have their consultation and details stored.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.
            at: When consent was given (aware); now by default.

        Returns:
            The client, with ``consent_given`` set and ``consent_at`` stamped.
        """
        client = self.get_or_create_client(channel, sender_id)
        client.consent_given = True
        client.consent_at = _aware(at, "at") if at else utcnow()
        self.session.flush()
        return client

    def withdraw_consent(self, channel: str, sender_id: str) -> Client | None:
        """Withdraw consent: stop storing, clear contact details, delete summaries.

        Booking requests already made are kept (staff still have to honour or cancel
        them); :meth:`forget_client` removes everything.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.

        Returns:
            The client, or None when the sender was never stored.
        """
        client = self.find_client(channel, sender_id)
        if client is None:
            return None
        client.consent_given = False
        client.consent_at = None
        client.contact_name = client.contact_email = client.contact_phone = None
        self.session.execute(
            sa.delete(ConsultationSummary)
            .where(ConsultationSummary.client_id == client.id)
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        self.session.expire(client, ["summaries"])
        return client

    # Consultations ---------------------------------------------------------------------

    def save_summary(
        self,
        channel: str,
        sender_id: str,
        *,
        concerns: Iterable[str] = (),
        scalp_type: str | None = None,
        sensitive: bool | None = None,
        referral: str = "none",
        massage_max_minutes: float | None = None,
        massage_max_sessions_per_day: float | None = None,
        routine_text: str | None = None,
    ) -> ConsultationSummary:
        """Store a consultation summary for a client who has consented.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.
            concerns: Values of the ``concerns`` slot (``scalpcare.contract.CONCERN_VALUES``).
            scalp_type: The ``scalp_type`` slot, or None.
            sensitive: The ``sensitive_scalp`` slot, or None.
            referral: The ``referral`` slot (``none``, ``doctor``, ``dermatologist``,
                ``urgent``).
            massage_max_minutes: The self-massage limit given, in minutes (0 = pause).
            massage_max_sessions_per_day: Likewise, sessions per day.
            routine_text: The routine the assistant gave.

        Returns:
            The new summary.

        Raises:
            ConsentRequiredError: The sender is unknown or has not consented.
            InvalidDataError: A value outside the conversation contract.
        """
        client = self.find_client(channel, sender_id)
        if client is None or not client.consent_given:
            raise ConsentRequiredError(
                f"sender {sender_id!r} on {channel!r} has not consented: summary not stored"
            )
        concern_list = list(dict.fromkeys(concerns))
        unknown = [c for c in concern_list if c not in CONCERN_VALUES]
        if unknown:
            raise InvalidDataError(f"unknown concerns {unknown}; expected {CONCERN_VALUES}")
        if scalp_type is not None and scalp_type not in SCALP_TYPE_VALUES:
            raise InvalidDataError(f"unknown scalp type {scalp_type!r}")
        level = str(referral).strip().lower()
        if level not in {r.value for r in ReferralLevel}:
            raise InvalidDataError(f"unknown referral level {referral!r}")
        for name, value in (
            ("massage_max_minutes", massage_max_minutes),
            ("massage_max_sessions_per_day", massage_max_sessions_per_day),
        ):
            if value is not None and value < 0:
                raise InvalidDataError(f"{name} cannot be negative")
        summary = ConsultationSummary(
            client_id=client.id,
            concerns=concern_list,
            scalp_type=scalp_type,
            sensitive=sensitive,
            referral=level,
            massage_max_minutes=massage_max_minutes,
            massage_max_sessions_per_day=massage_max_sessions_per_day,
            routine_text=routine_text,
            created_at=utcnow(),
        )
        self.session.add(summary)
        client.last_seen_at = utcnow()
        self.session.flush()
        return summary

    def latest_summary(self, channel: str, sender_id: str) -> ConsultationSummary | None:
        """Return a returning client's most recent summary (None if there is none).

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.

        Returns:
            The newest summary of a client who still consents, or None.
        """
        statement = (
            sa.select(ConsultationSummary)
            .join(Client, ConsultationSummary.client_id == Client.id)
            .where(
                Client.channel == channel,
                Client.sender_id == sender_id,
                Client.consent_given.is_(True),
            )
            .order_by(ConsultationSummary.created_at.desc(), ConsultationSummary.id.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalar_one_or_none()

    def record_feedback(
        self, channel: str, sender_id: str, feedback: str, at: datetime | None = None
    ) -> ConsultationSummary | None:
        """Add how the routine went to a returning client's latest summary.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.
            feedback: The client's words.
            at: When it was said (default: now, UTC).

        Returns:
            The updated summary, or None when the client has none (or no consent).
        """
        summary = self.latest_summary(channel, sender_id)
        if summary is None:
            return None
        text = " ".join(str(feedback).split())[:2000]
        summary.feedback = text if not summary.feedback else f"{summary.feedback}\n{text}"
        summary.feedback_at = at or utcnow()
        self.session.flush()
        return summary

    def record_referral(
        self, channel: str, sender_id: str, level: str, conditions: str | Sequence[str] = ""
    ) -> Referral:
        """Record a referral; linked to the sender only if they have consented.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.
            level: ``doctor``, ``dermatologist`` or ``urgent``.
            conditions: What prompted it (text, or a list of red-flag names).

        Returns:
            The new referral; ``client_id`` and ``sender_id`` are None when it was kept
            anonymously.

        Raises:
            InvalidDataError: An unknown level, or ``none``.
        """
        level = str(level).strip().lower()
        if level not in REFERRAL_LEVELS:
            raise InvalidDataError(f"unknown referral level {level!r}; expected {REFERRAL_LEVELS}")
        if not isinstance(conditions, str):
            conditions = ", ".join(str(c) for c in conditions)
        client = self.find_client(channel, sender_id)
        consented = client is not None and client.consent_given
        referral = Referral(
            client_id=client.id if consented and client else None,
            channel=channel if consented else None,
            sender_id=sender_id if consented else None,
            level=level,
            conditions=_clean_text(conditions, 2000),
            created_at=utcnow(),
        )
        self.session.add(referral)
        self.session.flush()
        if level == "urgent":
            self.session.add(notify.for_urgent_referral(referral))
            self.session.flush()
        return referral

    def schedule_message(
        self, channel: str, sender_id: str, intent: str, due_at: datetime
    ) -> ScheduledMessage:
        """Schedule ``intent`` (e.g. the routine check-in) for a client who consented.

        An earlier one of the same intent still waiting is cancelled: a client gets one
        check-in, for their latest routine. :mod:`salon.schedule` sends it when due.

        Args:
            channel: The input channel's name.
            sender_id: Rasa's conversation id on that channel.
            intent: The external intent Rasa is asked to handle.
            due_at: When (aware).

        Returns:
            The new, ``scheduled`` message.

        Raises:
            UnknownRecordError: No client with that sender id.
            ConsentRequiredError: The client has not consented.
        """
        client = self._require_client(channel, sender_id)
        if not client.consent_given:
            raise ConsentRequiredError(f"sender {sender_id!r} has not consented: not scheduled")
        self.session.execute(
            sa.update(ScheduledMessage)
            .where(
                ScheduledMessage.client_id == client.id,
                ScheduledMessage.intent == intent,
                ScheduledMessage.status == "scheduled",
            )
            .values(status="cancelled", last_error="replaced by a later one")
            .execution_options(synchronize_session=False)
        )
        message = ScheduledMessage(
            client_id=client.id,
            channel=channel,
            sender_id=sender_id,
            intent=intent,
            due_at=_aware(due_at, "due_at"),
            status="scheduled",
            created_at=utcnow(),
        )
        self.session.add(message)
        self.session.flush()
        return message
