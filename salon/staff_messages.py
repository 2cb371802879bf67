"""The staff commands about messages: notifications to staff and scheduled check-ins.

``python -m salon.staff notifications [--all] [--retry ID]``, ``notify`` and
``scheduled [--all]`` (registered by :func:`salon.staff.build_parser`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

import sqlalchemy as sa

from salon import db, notify, staff
from salon.models import Notification, ScheduledMessage
from salon.validation import scrub_text


def _targets() -> str:
    try:
        settings = notify.NotifySettings.from_env()
    except notify.NotifyConfigError as error:
        return f"not sent: {error}"
    targets = []
    if settings.smtp is not None:
        targets.append(f"e-mail to {', '.join(settings.staff_emails)}")
    if settings.webhook_url:
        targets.append("the webhook")
    if not targets:
        return (
            f"not configured: set {notify.SMTP_URL_ENV} and {notify.STAFF_EMAIL_ENV} "
            f"(or {notify.WEBHOOK_ENV}) for the action server"
        )
    return "sent by " + " and ".join(targets)


def cmd_notifications(args: argparse.Namespace, out: TextIO) -> int:
    """List staff notifications not yet sent (``--all``: every one); ``--retry ID``."""
    engine = staff._salon_engine(args)
    try:
        if args.retry is not None:
            if not notify.retry(engine, args.retry):
                raise staff.StaffError(f"no notification {args.retry} waiting to be sent")
            out.write(f"notification {args.retry} will be sent at the next run\n")
            return staff.EXIT_OK
        statement = sa.select(Notification).order_by(Notification.created_at, Notification.id)
        if not args.all:
            statement = statement.where(Notification.status != "sent")
        with db.session_scope(engine) as session:
            rows = [
                [
                    str(n.id),
                    staff._when(n.created_at),
                    n.kind,
                    n.status,
                    str(n.attempts),
                    staff._short(n.last_error or "-"),
                ]
                for n in session.execute(statement).scalars()
            ]
    finally:
        engine.dispose()
    out.write(f"staff notifications: {_targets()}\n")
    if not rows:
        out.write("no notifications waiting\n" if not args.all else "no notifications\n")
        return staff.EXIT_OK
    staff._print_rows(
        out, ["id", "created (UTC)", "kind", "status", "attempts", "last error"], rows
    )
    return staff.EXIT_OK


def cmd_notify(args: argparse.Namespace, out: TextIO) -> int:
    """Send the staff notifications that are due now (the action server does it by itself)."""
    try:
        settings = notify.NotifySettings.from_env()
    except notify.NotifyConfigError as error:
        raise staff.StaffError(str(error)) from None
    if not settings.configured:
        raise staff.StaffError(_targets())
    engine = staff._salon_engine(args)
    try:
        done = notify.deliver_due(engine, settings, limit=1000)
    finally:
        engine.dispose()
    out.write(f"sent {done.sent}, will retry {done.retrying}, failed {done.failed}\n")
    return staff.EXIT_OK


def cmd_scheduled(args: argparse.Namespace, out: TextIO) -> int:
    """List check-ins still to send, skipped or failed (``--all``: sent ones too)."""
    statement = sa.select(ScheduledMessage).order_by(ScheduledMessage.due_at, ScheduledMessage.id)
    if not args.all:
        statement = statement.where(ScheduledMessage.status.in_(("scheduled", "skipped", "failed")))
    engine = staff._salon_engine(args)
    try:
        with db.session_scope(engine) as session:
            rows = [
                [
                    str(m.id),
                    staff._when(m.due_at),
                    m.status,
                    m.channel,
                    scrub_text(m.sender_id),
                    staff._short(m.last_error or "-"),
                ]
                for m in session.execute(statement).scalars()
            ]
    finally:
        engine.dispose()
    if not rows:
        out.write("no scheduled messages\n")
        return staff.EXIT_OK
    staff._print_rows(out, ["id", "due (UTC)", "status", "channel", "sender", "note"], rows)
    return staff.EXIT_OK


def add_commands(
    command: Callable[[str, Callable[..., int], str], argparse.ArgumentParser],
) -> None:
    """Register the commands with the staff tool's ``command`` helper."""
    notifications = command(
        "notifications", cmd_notifications, "list staff notifications not yet sent"
    )
    notifications.add_argument("--all", action="store_true", help="sent ones too")
    notifications.add_argument("--retry", type=int, metavar="ID", help="send a failed one again")
    command("notify", cmd_notify, "send the staff notifications that are due now")
    scheduled = command(
        "scheduled", cmd_scheduled, "list check-ins still to send, skipped or failed"
    )
    scheduled.add_argument("--all", action="store_true", help="sent and cancelled ones too")
