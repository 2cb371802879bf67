"""When the salon is open, read from the profile's ``hours`` (pure).

``salon.yml`` may give the hours per day as ``HH:MM-HH:MM`` (24-hour, in the salon's
``timezone``); a day left out is closed. :func:`status_at` says whether the salon is
open at a moment and, if not, when it next opens: what a client waiting for a person is
told ("the salon is closed right now; a person will reply from Tuesday at 9:00").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True)
class Hours:
    """Opening and closing time per weekday (0 = Monday); a missing day is closed."""

    days: Mapping[int, tuple[time, time]]
    zone: ZoneInfo


@dataclass(frozen=True)
class Status:
    """Open now (until ``closes``), or closed (opening ``opens``, a local time)."""

    open: bool
    closes: datetime | None = None
    opens: datetime | None = None


def parse_hours(data: object, zone_name: str = "") -> Hours | None:
    """The profile's ``hours`` mapping (day -> "09:00-19:00"); None when unusable."""
    if not isinstance(data, Mapping) or not data:
        return None
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        logger.error("the salon profile's timezone %r is unknown: hours not used", zone_name)
        return None
    days: dict[int, tuple[time, time]] = {}
    for day, span in data.items():
        match = _SPAN.match(str(span or ""))
        if str(day).strip().lower() not in DAYS or match is None:
            logger.error("the salon profile's hours %r: %r cannot be read", day, span)
            return None
        opens = time(int(match.group(1)), int(match.group(2)))
        closes = time(int(match.group(3)), int(match.group(4)))
        if closes <= opens:
            logger.error("the salon profile's hours %r close before they open", day)
            return None
        days[DAYS.index(str(day).strip().lower())] = (opens, closes)
    return Hours(days, zone)


def status_at(hours: Hours, moment: datetime) -> Status:
    """Whether the salon is open at ``moment`` (aware), and when it closes or next opens."""
    local = moment.astimezone(hours.zone)
    for ahead in range(8):
        day = local.date() + timedelta(days=ahead)
        span = hours.days.get(day.weekday())
        if span is None:
            continue
        opens = datetime.combine(day, span[0], hours.zone)
        closes = datetime.combine(day, span[1], hours.zone)
        if ahead == 0 and opens <= local < closes:
            return Status(True, closes=closes)
        if local < opens:
            return Status(False, opens=opens)
    return Status(False)
