"""What staff read and erase: lists, a sender's rows, retention and the report's counts.

:class:`StaffQueries` is a part of :class:`salon.repository.SalonRepository` (which adds
what the assistant's actions write); it works on ``self.session``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from salon.models import (
    HANDOFF_STATUSES,
    REFERRAL_LEVELS,
    SERVICES,
    BookingRequest,
    Client,
    ConsultationSummary,
    HandoffRequest,
    Referral,
    utcnow,
)
from salon.records import DeletedCounts, InvalidDataError, ReportCounts, _aware
from scalpcare.contract import CONCERN_VALUES


class StaffQueries:
    """Lists for staff, erasure, retention and report counts on one session."""

    session: Session

    # Lists for staff -------------------------------------------------------------------

    @staticmethod
    def _in_period(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
        conditions = []
        if since is not None:
            conditions.append(column >= _aware(since, "since"))
        if until is not None:
            conditions.append(column < _aware(until, "until"))
        return conditions

    def list_bookings(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | None = None,
    ) -> list[BookingRequest]:
        """Booking requests created in ``[since, until)``, oldest first.

        Args:
            since: Inclusive lower bound (aware), or None.
            until: Exclusive upper bound (aware), or None.
            status: Only this status, or None for all.

        Returns:
            The matching booking requests.
        """
        statement = sa.select(BookingRequest).where(
            *self._in_period(BookingRequest.created_at, since, until)
        )
        if status is not None:
            statement = statement.where(BookingRequest.status == status)
        statement = statement.order_by(BookingRequest.created_at, BookingRequest.id)
        return list(self.session.execute(statement).scalars())

    def list_referrals(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        level: str | None = None,
    ) -> list[Referral]:
        """Referrals made in ``[since, until)``, oldest first.

        Args:
            since: Inclusive lower bound (aware), or None.
            until: Exclusive upper bound (aware), or None.
            level: Only this level, or None for all.

        Returns:
            The matching referrals.
        """
        statement = sa.select(Referral).where(*self._in_period(Referral.created_at, since, until))
        if level is not None:
            statement = statement.where(Referral.level == level)
        statement = statement.order_by(Referral.created_at, Referral.id)
        return list(self.session.execute(statement).scalars())

    def list_handoffs(self, status: str | None = "open") -> list[HandoffRequest]:
        """Handoff requests with ``status`` (``open`` by default; None for all), oldest first.

        Args:
            status: ``open``, ``closed`` or None.

        Returns:
            The matching handoff requests.
        """
        statement = sa.select(HandoffRequest)
        if status is not None:
            if status not in HANDOFF_STATUSES:
                raise InvalidDataError(f"unknown status {status!r}; expected {HANDOFF_STATUSES}")
            statement = statement.where(HandoffRequest.status == status)
        statement = statement.order_by(HandoffRequest.created_at, HandoffRequest.id)
        return list(self.session.execute(statement).scalars())

    # Erasure and retention -------------------------------------------------------------

    def sender_known(self, sender_id: str, channel: str | None = None) -> bool:
        """Tell whether any salon row belongs to ``sender_id``.

        Args:
            sender_id: Rasa's conversation id.
            channel: Only this channel, or None for any.

        Returns:
            True when a client, referral or handoff row names the sender.
        """
        for model in (Client, Referral, HandoffRequest):
            statement = sa.select(model.id).where(model.sender_id == sender_id)
            if channel is not None:
                statement = statement.where(model.channel == channel)
            if self.session.execute(statement.limit(1)).first() is not None:
                return True
        return False

    def _delete(self, model: Any, *conditions: Any) -> int:
        result = self.session.execute(
            sa.delete(model).where(*conditions).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    def _delete_children(self, client_ids: Any, extra: dict[Any, Any]) -> dict[str, int]:
        counts = {}
        for key, model in (
            ("summaries", ConsultationSummary),
            ("referrals", Referral),
            ("bookings", BookingRequest),
            ("handoffs", HandoffRequest),
        ):
            condition = model.client_id.in_(client_ids)
            if model in extra:
                condition = sa.or_(condition, extra[model])
            counts[key] = self._delete(model, condition)
        return counts

    def forget_client(self, sender_id: str, channel: str | None = None) -> DeletedCounts:
        """Erase every salon row of a sender ("forget me").

        Args:
            sender_id: Rasa's conversation id.
            channel: Only this channel, or None for all channels with that id.

        Returns:
            How many rows were deleted, per table (all zero for an unknown sender).
        """
        client_filter = [Client.sender_id == sender_id]
        by_sender: dict[Any, Any] = {
            Referral: Referral.sender_id == sender_id,
            HandoffRequest: HandoffRequest.sender_id == sender_id,
        }
        if channel is not None:
            client_filter.append(Client.channel == channel)
            by_sender = {
                Referral: sa.and_(by_sender[Referral], Referral.channel == channel),
                HandoffRequest: sa.and_(
                    by_sender[HandoffRequest], HandoffRequest.channel == channel
                ),
            }
        client_ids = sa.select(Client.id).where(*client_filter).scalar_subquery()
        counts = self._delete_children(client_ids, by_sender)
        clients = self._delete(Client, *client_filter)
        self.session.flush()
        self.session.expire_all()
        return DeletedCounts(clients=clients, **counts)

    def purge_older_than(self, days: int, now: datetime | None = None) -> DeletedCounts:
        """Apply the retention period: delete rows older than ``days`` days.

        Summaries, referrals, bookings and handoffs created before the cutoff go, and
        so do clients not seen since the cutoff (with all their rows).

        Args:
            days: The retention period in days (at least 1).
            now: The reference time (aware); now by default.

        Returns:
            How many rows were deleted, per table.
        """
        if int(days) < 1:
            raise InvalidDataError("the retention period must be at least 1 day")
        cutoff = (_aware(now, "now") if now else utcnow()) - timedelta(days=int(days))
        stale_clients = sa.select(Client.id).where(Client.last_seen_at < cutoff).scalar_subquery()
        counts = self._delete_children(
            stale_clients,
            {
                ConsultationSummary: ConsultationSummary.created_at < cutoff,
                Referral: Referral.created_at < cutoff,
                BookingRequest: BookingRequest.created_at < cutoff,
                HandoffRequest: HandoffRequest.created_at < cutoff,
            },
        )
        clients = self._delete(Client, Client.last_seen_at < cutoff)
        self.session.flush()
        self.session.expire_all()
        return DeletedCounts(clients=clients, **counts)

    # Reporting -------------------------------------------------------------------------

    def report_counts(self, since: datetime, until: datetime) -> ReportCounts:
        """Count concerns, referrals by level and bookings by service in ``[since, until)``.

        Args:
            since: Inclusive lower bound (aware).
            until: Exclusive upper bound (aware).

        Returns:
            The counts; every known concern, level and service is present (0 if none).
        """
        if _aware(until, "until") <= _aware(since, "since"):
            raise InvalidDataError("the end of the period must be after its start")
        concern_lists = self.session.execute(
            sa.select(ConsultationSummary.concerns).where(
                *self._in_period(ConsultationSummary.created_at, since, until)
            )
        ).scalars()
        consultations = 0
        concerns: Counter[str] = Counter({c: 0 for c in CONCERN_VALUES})
        for concern_list in concern_lists:
            consultations += 1
            concerns.update(str(c) for c in concern_list or [])
        referrals = {level: 0 for level in REFERRAL_LEVELS}
        for level, count in self.session.execute(
            sa.select(Referral.level, sa.func.count())
            .where(*self._in_period(Referral.created_at, since, until))
            .group_by(Referral.level)
        ):
            referrals[level] = int(count)
        bookings = {service: 0 for service in SERVICES}
        for service, count in self.session.execute(
            sa.select(BookingRequest.service, sa.func.count())
            .where(*self._in_period(BookingRequest.created_at, since, until))
            .group_by(BookingRequest.service)
        ):
            bookings[service] = int(count)
        handoffs = self.session.execute(
            sa.select(sa.func.count(HandoffRequest.id)).where(
                *self._in_period(HandoffRequest.created_at, since, until)
            )
        ).scalar_one()
        return ReportCounts(
            since=since,
            until=until,
            consultations=consultations,
            concerns=dict(concerns),
            referrals=referrals,
            bookings=bookings,
            handoffs=int(handoffs),
        )
