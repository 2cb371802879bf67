"""The salon repository's errors and the counts it returns (no database access here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class SalonError(Exception):
    """Base class of the errors the repository raises on purpose."""


class ConsentRequiredError(SalonError):
    """Personal data was about to be stored for someone who has not consented."""


class UnknownRecordError(SalonError, LookupError):
    """A client, booking or handoff that does not exist."""


class InvalidDataError(SalonError, ValueError):
    """A value outside the contract (service, level, concern, email, phone...)."""


@dataclass(frozen=True)
class DeletedCounts:
    """How many rows an erasure removed, per table."""

    clients: int = 0
    summaries: int = 0
    referrals: int = 0
    bookings: int = 0
    handoffs: int = 0

    @property
    def total(self) -> int:
        """All rows removed."""
        return self.clients + self.summaries + self.referrals + self.bookings + self.handoffs


@dataclass(frozen=True)
class ReportCounts:
    """Counts for a period ``[since, until)``; no personal data."""

    since: datetime
    until: datetime
    consultations: int = 0
    concerns: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)
    handoffs: int = 0


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidDataError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value


def _clean_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text[:limit] or None
