"""The action server, with the token check rasa-sdk lacks.

Rasa sends the action endpoint's ``token`` (endpoints.yml) as the ``token`` query
parameter of every call. rasa-sdk accepts any caller, so anyone who can reach port
5055 could run the salon's actions (and read or erase its data) in any client's
name. This module serves rasa-sdk's own app and refuses every request but
``/health`` whose token does not match ``$ACTION_SERVER_TOKEN``.

It also keeps the retention period: conversations are deleted ``TRACKER_RETENTION_DAYS``
days after their last message, by a purge at start-up and every few hours
(``salon/retention.py``), and sends staff their notifications (a handoff, a booking
request, an urgent referral) at once and retries the ones that failed
(``salon/notify.py``; ``NOTIFY_POLL_SECONDS``), and sends the scheduled check-ins when
they are due, through Rasa's HTTP API at ``RASA_URL`` (``salon/schedule.py``;
``SCHEDULE_POLL_SECONDS``): they are kept in the salon database, so a restart loses none.

Usage: python -m actions.server [--port 5055]   (scripts/run.sh starts it)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import logging
import os
import sys
from typing import Any

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import salon_access
from salon import db, notify, retention, schedule, tracker

TOKEN_ENV = "ACTION_SERVER_TOKEN"
#: Paths anyone may call: the health check, for start-up scripts and balancers.
OPEN_PATHS = frozenset({"/health"})
logger = logging.getLogger(__name__)


def token_matches(given: str | None, expected: str) -> bool:
    """Compare a request's token with the configured one in constant time (pure)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def create_app(token: str, actions_package: str = "actions") -> Sanic:
    """Return rasa-sdk's app for ``actions_package`` behind a token check.

    Args:
        token: The shared secret Rasa sends; must not be empty.
        actions_package: Where the actions live.

    Returns:
        The Sanic app. Only Rasa calls it, so it allows no browser origin.
    """
    if not token:
        raise ValueError(f"{TOKEN_ENV} is empty: the action server refuses to run open")
    app = create_sdk_app(actions_package, cors_origins=[])

    @app.middleware("request")
    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if token_matches(request.args.get("token"), token):
            return None
        logger.warning("refused an action call without a valid token from %s", request.ip)
        return response.json({"error": "unauthorized"}, status=401)

    @app.listener("after_server_start")
    async def start_retention(app: Sanic, _loop: Any) -> None:
        if retention_enabled():
            app.add_task(keep_retention())
        rasa = scheduler_target()
        if rasa is not None:
            app.add_task(keep_scheduled(rasa))
        settings = notification_settings()
        if settings is not None and settings.configured:
            wake = asyncio.Event()
            salon_access.set_notifier(wake.set)
            app.add_task(keep_notifying(settings, wake))

    return app


def retention_enabled() -> bool:
    """``RETENTION_PURGE=0`` switches the scheduled purge off (tests of old data do)."""
    return os.environ.get("RETENTION_PURGE", "1").strip() != "0"


def purge_once() -> retention.Purged | None:
    """Apply the retention period once (None when there is no tracker store yet)."""
    try:
        tracker_db = tracker.tracker_engine()
    except tracker.TrackerStoreError:
        return None
    salon_db = db.engine_from_env()
    try:
        return retention.purge(tracker_db, salon_db)
    finally:
        tracker_db.dispose()
        salon_db.dispose()


async def keep_retention() -> None:
    """Purge at start-up, then every ``RETENTION_PURGE_HOURS`` hours, until stopped."""
    while True:
        try:
            purged = await asyncio.to_thread(purge_once)
            if purged is not None and (purged.conversations or purged.handoffs):
                logger.info(
                    "retention: deleted %d conversations (%d events) and %d handoff requests "
                    "older than %d days",
                    purged.conversations,
                    purged.events,
                    purged.handoffs,
                    retention.retention_days(),
                )
        except Exception:  # a database that is down now may be up at the next run
            logger.exception("retention: the scheduled purge failed")
        await asyncio.sleep(retention.interval_hours() * 3600)


def scheduler_target() -> schedule.RasaApi | None:
    """Rasa's HTTP API for the scheduled check-ins, or None (logged) without ``RASA_URL``."""
    try:
        rasa = schedule.RasaApi.from_env()
    except ValueError as error:
        logger.error("scheduled check-ins are not sent: %s", error)
        return None
    if rasa is None:
        logger.warning(
            "scheduled check-ins are not sent: set %s to Rasa's HTTP API (scripts/run.sh does)",
            schedule.RASA_URL_ENV,
        )
    return rasa


async def keep_scheduled(rasa: schedule.RasaApi) -> None:
    """Send the scheduled messages that are due, every poll, until stopped."""
    salon_db = db.engine_from_env()
    try:
        while True:
            try:
                done = await asyncio.to_thread(schedule.send_due, salon_db, rasa)
                if done.sent or done.skipped or done.failed:
                    logger.info("scheduled messages: %s", done)
            except Exception:  # a database that is down now may be up at the next run
                logger.exception("scheduled messages: the run failed")
            await asyncio.sleep(schedule.poll_seconds())
    finally:
        salon_db.dispose()


def notification_settings() -> notify.NotifySettings | None:
    """The staff notification targets, or None (logged) when they cannot be used."""
    try:
        settings = notify.NotifySettings.from_env()
    except notify.NotifyConfigError as error:
        logger.error("staff notifications are off: %s", error)
        return None
    if not settings.configured:
        logger.warning(
            "staff notifications are off: set %s and %s (or %s) to tell staff about "
            "handoffs, bookings and urgent referrals",
            notify.SMTP_URL_ENV,
            notify.STAFF_EMAIL_ENV,
            notify.WEBHOOK_ENV,
        )
    return settings


async def keep_notifying(settings: notify.NotifySettings, wake: asyncio.Event) -> None:
    """Send due staff notifications when woken by a request, or every poll, until stopped."""
    salon_db = db.engine_from_env()
    try:
        while True:
            try:
                await asyncio.to_thread(notify.deliver_due, salon_db, settings)
            except Exception:  # a database that is down now may be up at the next run
                logger.exception("staff notifications: the delivery run failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=notify.poll_seconds())
            wake.clear()
    finally:
        salon_access.set_notifier(None)
        salon_db.dispose()


def main(argv: list[str] | None = None) -> int:
    """Serve the actions on 127.0.0.1 (``$SANIC_HOST`` to change) until stopped."""
    parser = argparse.ArgumentParser(description="The salon's action server (token-checked).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        print(f"error: set {TOKEN_ENV} (scripts/run.sh makes one per run)", file=sys.stderr)
        return 2
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    app = create_app(token, args.actions)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.run(host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
