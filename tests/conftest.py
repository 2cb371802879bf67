"""Shared fixtures: the real domain, a dispatcher and tracker factories."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent

# The same defaults the Makefile exports, so `pytest` also works on its own.
RUNTIME_DEFAULTS = {
    "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
    "ACTION_SERVER_TOKEN": "tests-only-token",
    "TRACKER_DB_URL": "sqlite:///var/tracker.db",
    "LOCK_STORE_TYPE": "in_memory",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_DB": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}
for _key, _value in RUNTIME_DEFAULTS.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(scope="session", autouse=True)
def salon_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite salon database for the whole run (actions write to it)."""
    from salon import db

    url = f"sqlite:///{tmp_path_factory.mktemp('salon') / 'salon.db'}"
    os.environ["SALON_DB_URL"] = url
    db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def loaded_domain() -> dict[str, Any]:
    """The project's real domain, loaded once."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture
def domain(loaded_domain: dict[str, Any]) -> dict[str, Any]:
    """The project's real domain, as the action server receives it (a test's own copy:
    Rasa's slot filling changes a response in place)."""
    return copy.deepcopy(loaded_domain)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """A fresh dispatcher that collects what an action says, replies rendered as Rasa does."""
    from tests.replies import RenderingDispatcher

    return RenderingDispatcher()


TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def make_tracker() -> TrackerFactory:
    """Build a tracker whose latest message is ``text`` with the given NLU result."""

    def _make(
        text: str = "",
        intent: str = "nlu_fallback",
        confidence: float = 0.3,
        intent_ranking: list[dict[str, Any]] | None = None,
        slots: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        sender_id: str = "test-user",
        parse_extra: dict[str, Any] | None = None,
        history: list[dict[str, Any]] | None = None,
        active_loop: str | None = None,
        paused: bool = False,
        input_channel: str | None = None,
    ) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": intent_ranking or [{"name": intent, "confidence": confidence}],
            "entities": entities or [],
            **(parse_extra or {}),
        }
        events = [
            *(history or []),
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": latest, "input_channel": input_channel},
        ]
        return Tracker(
            sender_id=sender_id,
            slots=slots or {},
            latest_message=latest,
            events=events,
            paused=paused,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    return _make
