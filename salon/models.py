"""SQLAlchemy models of the salon's database (2.0-style declarative, SQLAlchemy 1.4).

Every timestamp is a timezone-aware UTC ``datetime``: :class:`UTCDateTime` stores UTC
and hands back aware values on SQLite (which keeps no zone) as well as on PostgreSQL.
The schema itself is created by the Alembic migrations in ``migrations/``, never by
``create_all`` in production code.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

Base: Any = declarative_base()

#: The services a client can request (seed 000: 20 minutes minimum as an add-on to
#: body work, 45 minutes for a dedicated head-only session).
SERVICES = ("scalp_facial", "head_massage_add_on_20", "head_only_45")
#: ``held``: requested while a dermatologist or urgent referral stands; the salon books
#: it only after a doctor has seen the client.
#: ``cancelled`` by the client, ``declined`` by staff.
BOOKING_STATUSES = ("requested", "held", "confirmed", "cancelled", "declined", "done")
#: A request staff can still answer (confirm, propose another time, decline).
OPEN_BOOKING_STATUSES = ("requested", "held", "confirmed")
#: The steps of a booking request's history (:class:`BookingEvent`): made (``requested``
#: or ``held``), times ``changed`` by the client, ``confirmed``, another time ``proposed``
#: or ``declined`` by staff, the client's answer to staff (``replied``), ``cancelled`` by
#: the client, or any status set from the command line (``status``).
BOOKING_EVENTS = (
    "requested",
    "held",
    "changed",
    "confirmed",
    "proposed",
    "declined",
    "replied",
    "cancelled",
    "status",
)
HANDOFF_STATUSES = ("open", "closed")
#: Referral levels worth recording (``none`` is not a referral).
REFERRAL_LEVELS = ("doctor", "dermatologist", "urgent")
#: What staff are told about at once (salon/notify.py).
NOTIFICATION_KINDS = (
    "handoff",
    "booking",
    "booking_cancelled",
    "booking_changed",
    "booking_reply",
    "urgent_referral",
)
#: ``pending`` until every configured target (e-mail, webhook) took it; ``failed`` after
#: the last retry (staff see it and can send it again).
NOTIFICATION_STATUSES = ("pending", "sent", "failed")
#: A scheduled message (the routine check-in) is ``scheduled`` until it is ``sent``,
#: ``skipped`` (its channel cannot take it now), ``failed`` or ``cancelled``.
SCHEDULED_STATUSES = ("scheduled", "sent", "skipped", "failed", "cancelled")


#: Table option of every table whose rows erasure or the retention purge deletes: on
#: SQLite a deleted row's id is never handed out again (AUTOINCREMENT), so an old e-mail,
#: console link or audit entry never points at another client (migration 0006).
NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A ``DateTime(timezone=True)`` that always stores and returns aware UTC values."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Convert an aware datetime to UTC; refuse naive ones (their zone is unknown)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        utc = value.astimezone(timezone.utc)
        # SQLite keeps no zone: store naive UTC there so comparisons stay textual-safe.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Return an aware UTC datetime whatever the database gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Client(Base):
    """A person talking to the assistant on one channel (e.g. ``socketio``, ``telegram``)."""

    __tablename__ = "salon_clients"
    __table_args__ = (
        sa.UniqueConstraint("channel", "sender_id", name="uq_salon_clients_sender"),
        NEVER_REUSED,
    )

    id = sa.Column(sa.Integer, primary_key=True)
    channel = sa.Column(sa.String(64), nullable=False)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    consent_given = sa.Column(sa.Boolean, nullable=False, default=False)
    consent_at = sa.Column(UTCDateTime, nullable=True)
    contact_name = sa.Column(sa.String(200), nullable=True)
    contact_email = sa.Column(sa.String(254), nullable=True)
    contact_phone = sa.Column(sa.String(32), nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    summaries = relationship(
        "ConsultationSummary",
        back_populates="client",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConsultationSummary.created_at",
    )
    bookings = relationship(
        "BookingRequest",
        back_populates="client",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        """Identify the row without any contact detail."""
        return f"Client(id={self.id}, channel={self.channel!r}, consent={self.consent_given})"


class ConsultationSummary(Base):
    """What a consultation found and the limits it gave (stored only with consent)."""

    __tablename__ = "salon_consultation_summaries"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    client_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    concerns = sa.Column(sa.JSON, nullable=False, default=list)
    scalp_type = sa.Column(sa.String(32), nullable=True)
    sensitive = sa.Column(sa.Boolean, nullable=True)
    referral = sa.Column(sa.String(32), nullable=False, default="none")
    massage_max_minutes = sa.Column(sa.Float, nullable=True)
    massage_max_sessions_per_day = sa.Column(sa.Float, nullable=True)
    routine_text = sa.Column(sa.Text, nullable=True)
    #: How the routine went, in the client's words (asked on their next visit).
    feedback = sa.Column(sa.Text, nullable=True)
    feedback_at = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    client = relationship("Client", back_populates="summaries")


class Referral(Base):
    """A referral the assistant made; anonymous (no client, no sender) without consent."""

    __tablename__ = "salon_referrals"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    client_id = sa.Column(
        sa.Integer, sa.ForeignKey("salon_clients.id", ondelete="CASCADE"), nullable=True, index=True
    )
    channel = sa.Column(sa.String(64), nullable=True)
    sender_id = sa.Column(sa.String(255), nullable=True, index=True)
    level = sa.Column(sa.String(32), nullable=False)
    conditions = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class BookingRequest(Base):
    """A request for a salon service; staff confirm it by phone or email."""

    __tablename__ = "salon_booking_requests"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    client_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    service = sa.Column(sa.String(64), nullable=False)
    preferred_times = sa.Column(sa.Text, nullable=True)
    name = sa.Column(sa.String(200), nullable=True)
    email = sa.Column(sa.String(254), nullable=True)
    phone = sa.Column(sa.String(32), nullable=True)
    status = sa.Column(sa.String(32), nullable=False, default="requested")
    #: The referral that stood when the request was made (``held`` requests).
    referral = sa.Column(sa.String(32), nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    client = relationship("Client", back_populates="bookings")
    events = relationship(
        "BookingEvent",
        back_populates="booking",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(BookingEvent.created_at, BookingEvent.id)",
    )


class BookingEvent(Base):
    """One step of a booking request's history: who did what, when, and the words used.

    ``by`` is ``client`` (in the chat), a staff member's user name (the console), or
    ``staff (command line)``; ``note`` holds the new times of a change or the message staff
    sent with their answer. It goes with its request (erasure, retention).
    """

    __tablename__ = "salon_booking_events"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    booking_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_booking_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    event = sa.Column(sa.String(32), nullable=False)
    #: The request's status after this step.
    status = sa.Column(sa.String(32), nullable=False)
    by = sa.Column(sa.String(64), nullable=False)
    note = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    booking = relationship("BookingRequest", back_populates="events")


class HandoffRequest(Base):
    """A request to hand the conversation to a member of staff."""

    __tablename__ = "salon_handoff_requests"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    client_id = sa.Column(
        sa.Integer, sa.ForeignKey("salon_clients.id", ondelete="CASCADE"), nullable=True, index=True
    )
    channel = sa.Column(sa.String(64), nullable=True)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    reason = sa.Column(sa.Text, nullable=True)
    transcript = sa.Column(sa.Text, nullable=True)
    status = sa.Column(sa.String(16), nullable=False, default="open", index=True)
    #: A red flag the client wrote while waiting for staff: level and words.
    alert = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class Notification(Base):
    """A message to staff about a handoff, a booking or an urgent referral (an outbox row).

    Written in the same transaction as the request it is about, so a request is never
    recorded without its notification; delivered (and retried) by :mod:`salon.notify`.
    It goes with its request: erasing a client or purging old rows removes it too.
    """

    __tablename__ = "salon_notifications"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(32), nullable=False)
    subject = sa.Column(sa.String(200), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    handoff_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_handoff_requests.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    booking_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_booking_requests.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    referral_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_referrals.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    status = sa.Column(sa.String(16), nullable=False, default="pending", index=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    last_error = sa.Column(sa.Text, nullable=True)
    #: Per target, so that a retry never sends the same e-mail twice.
    email_sent_at = sa.Column(UTCDateTime, nullable=True)
    webhook_sent_at = sa.Column(UTCDateTime, nullable=True)
    next_attempt_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    #: A sender holds the row until then, so two action servers never send it twice.
    claimed_until = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    sent_at = sa.Column(UTCDateTime, nullable=True)


class ScheduledMessage(Base):
    """A message the assistant sends later (the routine check-in), kept across restarts.

    Sent by :mod:`salon.schedule` through Rasa's HTTP API (``trigger_intent``) on the
    client's channel; only for a client who consented, and erased with them.
    """

    __tablename__ = "salon_scheduled_messages"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    client_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    channel = sa.Column(sa.String(64), nullable=False)
    sender_id = sa.Column(sa.String(255), nullable=False)
    #: The external intent Rasa is asked to handle (``EXTERNAL_routine_checkin``).
    intent = sa.Column(sa.String(64), nullable=False)
    due_at = sa.Column(UTCDateTime, nullable=False, index=True)
    status = sa.Column(sa.String(16), nullable=False, default="scheduled", index=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    #: Why it was not sent yet, was skipped or failed.
    last_error = sa.Column(sa.Text, nullable=True)
    claimed_until = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = sa.Column(UTCDateTime, nullable=True)
    #: When the check-in was put in the conversation without being sent, because an
    #: approved WhatsApp template carries it (salon/schedule.py): never put there twice.
    recorded_at = sa.Column(UTCDateTime, nullable=True)


class StaffAccount(Base):
    """A member of staff who may use the staff console (console/accounts.py)."""

    __tablename__ = "salon_staff_accounts"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    #: argon2id; never the password itself.
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(UTCDateTime, nullable=True)


class StaffSession(Base):
    """A logged-in console session; the cookie holds a random token, the row its hash."""

    __tablename__ = "salon_staff_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    account_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_staff_accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    #: The forms' CSRF token of this session.
    csrf_token = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(UTCDateTime, nullable=False)


class StaffAuditEntry(Base):
    """Who did what in the console, and when (kept for the salon's records)."""

    __tablename__ = "salon_staff_audit"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False)
    action = sa.Column(sa.String(64), nullable=False)
    target = sa.Column(sa.String(255), nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class StaffReply(Base):
    """A message staff sent to a client from the console, and whether it was delivered."""

    __tablename__ = "salon_staff_replies"
    __table_args__ = NEVER_REUSED

    id = sa.Column(sa.Integer, primary_key=True)
    handoff_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_handoff_requests.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    booking_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("salon_booking_requests.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    text = sa.Column(sa.Text, nullable=False)
    username = sa.Column(sa.String(64), nullable=False)
    #: ``delivered`` or ``failed`` (with the error; staff can retry).
    status = sa.Column(sa.String(16), nullable=False)
    error = sa.Column(sa.Text, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


ALL_MODELS = (
    Client,
    ConsultationSummary,
    Referral,
    BookingRequest,
    BookingEvent,
    HandoffRequest,
    Notification,
    ScheduledMessage,
    StaffAccount,
    StaffSession,
    StaffAuditEntry,
    StaffReply,
)
