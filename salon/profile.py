"""The salon's profile (``salon.yml``): name, address, contact, hours, services, crisis lines.

Read once per process from ``$SALON_PROFILE`` (default: ``salon.yml`` at the project's
root). A missing or broken file never stops a conversation: the assistant then says
"the salon" and leaves the contact details out.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

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
    def described(self) -> str:
        """The service in words, e.g. "Scalp facial, 60 minutes, £55"."""
        return ", ".join(part for part in (self.name, self.details) if part)


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

    def service(self, key: str) -> Service | None:
        """The service with that key, if the profile describes it."""
        return next((service for service in self.services if service.key == key), None)

    @property
    def emergency(self) -> str:
        """The emergency number in words: "999", or "your local emergency number"."""
        return self.emergency_number or "your local emergency number"

    @property
    def crisis_support(self) -> str:
        """A crisis line in words, or a general pointer when the profile names none."""
        return self.crisis_line or "a local crisis line or your doctor"

    @property
    def contact(self) -> str:
        """How to reach the salon in words: "the salon on 01234 567890", or "the salon"."""
        return f"the salon on {self.phone}" if self.phone else "the salon"


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
    text = {k: str(v).strip() for k, v in data.items() if k in fields and k != "services" and v}
    return SalonProfile(**text, services=_services(data.get("services")))


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
