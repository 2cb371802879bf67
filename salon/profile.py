"""The salon's profile (``salon.yml``): name, address, contact, hours, services, crisis lines.

Read once per process from ``$SALON_PROFILE`` (default: ``salon.yml`` at the project's
root). A missing or broken file never stops a conversation: the assistant then says
"the salon" and leaves the contact details out. What the assistant says with these
details is worded in ``domain.yml`` (``utter_salon_*``; ``contact``, ``emergency``,
``crisis_support`` and ``Service.described`` are phrases, scalpcare/phrases.py).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from salon.opening import Hours, parse_hours
from scalpcare.phrases import Value, joined, phrase

logger = logging.getLogger(__name__)

ENV_VAR = "SALON_PROFILE"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "salon.yml"


@dataclass(frozen=True)
class Service:
    """A service clients can book: its fixed key, and what the assistant says about it."""

    key: str
    name: str
    minutes: int | None = None
    price: str = ""

    @property
    def details(self) -> str:
        """Its length and price in words, e.g. "60 minutes, £55" (what the profile gives)."""
        parts = [f"{self.minutes} minutes"] if self.minutes else []
        return ", ".join([*parts, *([self.price] if self.price else [])])

    @property
    def described(self) -> Value:
        """The service for a client: "Scalp facial, 60 minutes, £55" (worded in the domain)."""
        minutes = (
            phrase("utter_salon_service_minutes", minutes=self.minutes) if self.minutes else ""
        )
        return joined([self.name, minutes, self.price], ", ")


@dataclass(frozen=True)
class SalonProfile:
    """What the assistant may say about the salon."""

    name: str = "the salon"
    address: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = ""
    #: Where the salon is, what a person in danger should call: said in a crisis.
    emergency_number: str = ""
    crisis_line: str = ""
    services: tuple[Service, ...] = ()
    #: The hours per day in the salon's timezone (``hours``, ``timezone``), if given.
    hours: Hours | None = None

    def service(self, key: str) -> Service | None:
        """The service with that key, if the profile describes it."""
        return next((service for service in self.services if service.key == key), None)

    @property
    def emergency(self) -> Value:
        """The emergency number: "999", or the words for "your local emergency number"."""
        return self.emergency_number or phrase("utter_salon_emergency_unknown")

    @property
    def crisis_support(self) -> Value:
        """A crisis line, or a general pointer (a phrase) when the profile names none."""
        return self.crisis_line or phrase("utter_salon_crisis_line_unknown")

    @property
    def contact(self) -> Value:
        """How to reach the salon: "the salon on 01234 567890", or "the salon" (phrases)."""
        if self.phone:
            return phrase("utter_salon_reach_by_phone", phone=self.phone)
        return phrase("utter_salon_reach")


@lru_cache(maxsize=4)
def _load(path: str) -> SalonProfile:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf8")) or {}
    except (OSError, yaml.YAMLError):
        logger.exception("could not read the salon profile %s", path)
        return SalonProfile()
    if not isinstance(data, dict):
        logger.error("the salon profile %s is not a mapping", path)
        return SalonProfile()
    fields = SalonProfile.__dataclass_fields__
    structured = ("services", "hours")
    text = {k: str(v).strip() for k, v in data.items() if k in fields and k not in structured and v}
    hours = (
        parse_hours(data.get("hours"), str(data.get("timezone") or ""))
        if data.get("hours")
        else None
    )
    return SalonProfile(**text, services=_services(data.get("services")), hours=hours)


def _services(data: object) -> tuple[Service, ...]:
    """The ``services`` mapping (key -> name, minutes, price); a broken entry is left out."""
    if not isinstance(data, dict):
        return ()
    services = []
    for key, value in data.items():
        if not isinstance(value, dict) or not value.get("name"):
            logger.error("the salon profile's service %r has no name: left out", key)
            continue
        try:
            minutes = int(value["minutes"]) if value.get("minutes") else None
        except (TypeError, ValueError):
            minutes = None
        services.append(
            Service(str(key), str(value["name"]).strip(), minutes, str(value.get("price") or ""))
        )
    return tuple(services)


def profile() -> SalonProfile:
    """The salon's profile (read once per path)."""
    return _load(os.environ.get(ENV_VAR) or str(DEFAULT_PATH))
