"""Staff tools for the salon's data and Rasa's conversations.

Usage (from the repository root, with the same environment as the assistant)::

    python -m salon.staff migrate
    python -m salon.staff bookings [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--status S]
    python -m salon.staff referrals [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--level L]
    python -m salon.staff handoffs [--status open|closed|all]
    python -m salon.staff transcript SENDER
    python -m salon.staff forget SENDER [--channel C]
    python -m salon.staff purge --days N [--salon-only]
    python -m salon.staff report --from YYYY-MM-DD --to YYYY-MM-DD --out report.html
    python -m salon.staff notifications [--all] [--retry ID]
    python -m salon.staff notify
    python -m salon.staff scheduled [--all]

The salon database is ``$SALON_DB_URL`` (default ``sqlite:///var/salon.db``) and Rasa's
tracker store ``$TRACKER_DB_URL`` (default ``sqlite:///var/tracker.db``); ``--salon-db``
and ``--tracker-db`` override them. Dates are calendar days in UTC and ``--to`` is
inclusive. Lists mask contact details (``j***@example.com``, ``***1234``, initials).

Exit codes: 0 success, 1 the database cannot be used (unreachable, not migrated),
2 a usage error (bad arguments or dates, unknown sender).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from salon import db, tracker
from salon.models import (
    BOOKING_STATUSES,
    HANDOFF_STATUSES,
    REFERRAL_LEVELS,
    utcnow,
)
from salon.report import render_report_html
from salon.repository import SalonRepository
from salon.validation import mask_email, mask_name, mask_phone, scrub_text

EXIT_OK = 0
EXIT_UNAVAILABLE = 1
EXIT_USAGE = 2
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StaffError(Exception):
    """An error to report to the member of staff, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        """Keep the message and the exit code."""
        super().__init__(message)
        self.code = code


def parse_day(value: str) -> date:
    """Parse a ``YYYY-MM-DD`` calendar day (argparse type).

    Args:
        value: The argument as typed.

    Returns:
        The date.

    Raises:
        argparse.ArgumentTypeError: Not a real ``YYYY-MM-DD`` date.
    """
    if not _DATE.match(value.strip()):
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a valid date: {error}") from None


def _positive_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError("--days must be at least 1")
    return days


def day_range(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Turn inclusive calendar days (UTC) into a half-open ``[since, until)`` interval.

    Args:
        start: The first day, or None for no lower bound.
        end: The last day (inclusive), or None for no upper bound.

    Returns:
        Aware UTC datetimes: the start of ``start`` and the start of the day after ``end``.

    Raises:
        StaffError: ``end`` is before ``start``.
    """
    if start and end and end < start:
        raise StaffError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    since = datetime.combine(start, time.min, tzinfo=timezone.utc) if start else None
    until = (
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc) if end else None
    )
    return since, until


def _safe_url(url: str) -> str:
    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except sa.exc.ArgumentError:
        return "<the configured database>"


def _salon_engine(args: argparse.Namespace) -> Engine:
    url = db.database_url(args.salon_db)
    parsed = make_url(url)
    database = parsed.database or ""
    is_file = parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:")
    if is_file and not Path(database).expanduser().exists():
        raise StaffError(
            f"no salon database at {parsed.database}; set SALON_DB_URL or run "
            "`python -m salon.staff migrate` first",
            EXIT_UNAVAILABLE,
        )
    engine = db.make_engine(url)
    try:
        ready = sa.inspect(engine).has_table("salon_clients")
    except sa.exc.SQLAlchemyError as error:
        engine.dispose()
        raise StaffError(
            f"cannot open the salon database {_safe_url(url)}: {error.__class__.__name__}",
            EXIT_UNAVAILABLE,
        ) from None
    if not ready:
        engine.dispose()
        raise StaffError(
            f"the salon database {_safe_url(url)} has no tables yet; "
            "run `python -m salon.staff migrate` first",
            EXIT_UNAVAILABLE,
        )
    return engine


def _tracker_engine(args: argparse.Namespace) -> Engine:
    try:
        return tracker.tracker_engine(args.tracker_db)
    except tracker.TrackerStoreError as error:
        raise StaffError(str(error), EXIT_UNAVAILABLE) from None
    except sa.exc.SQLAlchemyError as error:
        url = _safe_url(tracker.tracker_url(args.tracker_db))
        raise StaffError(
            f"cannot open the tracker store {url}: {error.__class__.__name__}", EXIT_UNAVAILABLE
        ) from None


def _when(value: datetime | None) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if value else "-"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text a client chose, made safe for a terminal.

    Control characters (escape sequences that would recolour, move the cursor or
    rewrite the screen) become ``?``.
    """
    return _CONTROL.sub("?", text)


def _print_rows(out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    for row in [header, *rows]:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Commands ------------------------------------------------------------------------------


def _cmd_migrate(args: argparse.Namespace, out: TextIO) -> int:
    """Create or update the salon tables (``alembic upgrade head``)."""
    url = db.database_url(args.salon_db)
    try:
        db.upgrade(url)
    except sa.exc.SQLAlchemyError as error:
        raise StaffError(
            f"cannot migrate {_safe_url(url)}: {error.__class__.__name__}", EXIT_UNAVAILABLE
        ) from None
    out.write(f"salon database {_safe_url(url)} is at the latest revision\n")
    return EXIT_OK


def _cmd_bookings(args: argparse.Namespace, out: TextIO) -> int:
    """List booking requests, contact details masked."""
    since, until = day_range(args.date_from, args.date_to)
    engine = _salon_engine(args)
    try:
        with db.session_scope(engine) as session:
            bookings = SalonRepository(session).list_bookings(since, until, status=args.status)
            rows = [
                [
                    str(b.id),
                    _when(b.created_at),
                    b.service,
                    b.status if not b.referral else f"{b.status} ({b.referral} referral)",
                    mask_name(b.name),
                    mask_email(b.email),
                    mask_phone(b.phone),
                    _short(scrub_text(b.preferred_times)) or "-",
                ]
                for b in bookings
            ]
    finally:
        engine.dispose()
    if not rows:
        out.write("no booking requests\n")
        return EXIT_OK
    header = ["id", "created (UTC)", "service", "status", "name", "email", "phone", "times"]
    _print_rows(out, header, rows)
    return EXIT_OK


def _cmd_referrals(args: argparse.Namespace, out: TextIO) -> int:
    """List referrals (anonymous ones show no sender)."""
    since, until = day_range(args.date_from, args.date_to)
    engine = _salon_engine(args)
    try:
        with db.session_scope(engine) as session:
            referrals = SalonRepository(session).list_referrals(since, until, level=args.level)
            rows = [
                [
                    str(r.id),
                    _when(r.created_at),
                    r.level,
                    scrub_text(r.sender_id) or "(anonymous)",
                    _short(scrub_text(r.conditions)) or "-",
                ]
                for r in referrals
            ]
    finally:
        engine.dispose()
    if not rows:
        out.write("no referrals\n")
        return EXIT_OK
    _print_rows(out, ["id", "created (UTC)", "level", "sender", "conditions"], rows)
    return EXIT_OK


def _cmd_handoffs(args: argparse.Namespace, out: TextIO) -> int:
    """List handoff requests (open ones by default)."""
    status = None if args.status == "all" else args.status
    engine = _salon_engine(args)
    try:
        with db.session_scope(engine) as session:
            handoffs = SalonRepository(session).list_handoffs(status)
            rows = [
                [
                    str(h.id),
                    _when(h.created_at),
                    h.status,
                    h.channel or "-",
                    scrub_text(h.sender_id),
                    _short(scrub_text(h.reason)) or "-",
                    _short(scrub_text(h.alert)) or "-",
                ]
                for h in handoffs
            ]
    finally:
        engine.dispose()
    if not rows:
        out.write(f"no {status + ' ' if status else ''}handoff requests\n")
        return EXIT_OK
    header = ["id", "created (UTC)", "status", "channel", "sender", "reason", "red flag"]
    _print_rows(out, header, rows)
    return EXIT_OK


def _cmd_transcript(args: argparse.Namespace, out: TextIO) -> int:
    """Print a conversation's user and bot messages from Rasa's tracker store."""
    engine = _tracker_engine(args)
    try:
        if not tracker.has_events(engine, args.sender):
            raise StaffError(
                f"unknown sender {printable(args.sender)!r}: no conversation in the tracker"
            )
        lines = tracker.read_transcript(engine, args.sender)
    finally:
        engine.dispose()
    if not lines:
        out.write(f"conversation {args.sender!r} has no messages\n")
    for line in lines:
        when = line.timestamp.strftime("%Y-%m-%d %H:%M:%S") if line.timestamp else "-"
        out.write(f"{when}  {line.speaker:<4}  {printable(line.text)}\n")
    return EXIT_OK


def _cmd_forget(args: argparse.Namespace, out: TextIO) -> int:
    """Erase a sender from the salon tables and from Rasa's tracker store."""
    salon = _salon_engine(args)
    try:
        tracker_db: Engine | None = _tracker_engine(args)
    except StaffError as error:
        sys.stderr.write(f"warning: {error}; only the salon tables are searched\n")
        tracker_db = None
    try:
        with db.session_scope(salon) as session:
            known_salon = SalonRepository(session).sender_known(args.sender, args.channel)
        known_tracker = tracker_db is not None and tracker.has_events(tracker_db, args.sender)
        if not known_salon and not known_tracker:
            raise StaffError(f"unknown sender {args.sender!r}: nothing stored for them")
        events = tracker.delete_events(tracker_db, args.sender) if tracker_db else 0
        with db.session_scope(salon) as session:
            deleted = SalonRepository(session).forget_client(args.sender, args.channel)
    finally:
        salon.dispose()
        if tracker_db is not None:
            tracker_db.dispose()
    out.write(
        f"forgot sender {args.sender!r}: {events} tracker events, {deleted.clients} client, "
        f"{deleted.summaries} summaries, {deleted.referrals} referrals, "
        f"{deleted.bookings} bookings, {deleted.handoffs} handoffs\n"
    )
    return EXIT_OK


def _cmd_purge(args: argparse.Namespace, out: TextIO) -> int:
    """Delete salon rows and idle conversations older than ``--days`` (``--salon-only``: rows)."""
    now = utcnow()
    engine = _salon_engine(args)
    try:
        with db.session_scope(engine) as session:
            deleted = SalonRepository(session).purge_older_than(args.days, now=now)
    finally:
        engine.dispose()
    out.write(
        f"purged rows older than {args.days} days: {deleted.clients} clients, "
        f"{deleted.summaries} summaries, {deleted.referrals} referrals, "
        f"{deleted.bookings} bookings, {deleted.handoffs} handoffs\n"
    )
    if not args.salon_only:
        tracker_db = _tracker_engine(args)
        try:
            conversations, events = tracker.delete_conversations_idle_since(
                tracker_db, now - timedelta(days=args.days)
            )
        finally:
            tracker_db.dispose()
        out.write(f"purged {conversations} idle conversations ({events} tracker events)\n")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Write the HTML report for a period."""
    since, until = day_range(args.date_from, args.date_to)
    assert since is not None and until is not None  # both options are required
    engine = _salon_engine(args)
    try:
        with db.session_scope(engine) as session:
            counts = SalonRepository(session).report_counts(since, until)
    finally:
        engine.dispose()
    path = Path(args.out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_report_html(counts, title=args.title), encoding="utf-8")
    except OSError as error:
        raise StaffError(f"cannot write {path}: {error.strerror}", EXIT_UNAVAILABLE) from None
    out.write(f"wrote {path}\n")
    return EXIT_OK


# Command line --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m salon.staff`` argument parser.

    Returns:
        The parser; each sub-command sets ``handler``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m salon.staff",
        description="Staff tools: booking requests, referrals, handoffs, transcripts, "
        "erasure, retention and reports.",
    )
    parser.add_argument("--salon-db", metavar="URL", help="salon database (default $SALON_DB_URL)")
    parser.add_argument(
        "--tracker-db", metavar="URL", help="Rasa's tracker store (default $TRACKER_DB_URL)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def period(sub: argparse.ArgumentParser, required: bool = False) -> None:
        sub.add_argument(
            "--from",
            dest="date_from",
            type=parse_day,
            required=required,
            metavar="YYYY-MM-DD",
            help="first day (UTC)",
        )
        sub.add_argument(
            "--to",
            dest="date_to",
            type=parse_day,
            required=required,
            metavar="YYYY-MM-DD",
            help="last day, inclusive (UTC)",
        )

    command("migrate", _cmd_migrate, "create or update the salon tables")
    bookings = command("bookings", _cmd_bookings, "list booking requests (contacts masked)")
    period(bookings)
    bookings.add_argument("--status", choices=BOOKING_STATUSES)
    referrals = command("referrals", _cmd_referrals, "list referrals")
    period(referrals)
    referrals.add_argument("--level", choices=REFERRAL_LEVELS)
    handoffs = command("handoffs", _cmd_handoffs, "list handoff requests")
    handoffs.add_argument("--status", choices=[*HANDOFF_STATUSES, "all"], default="open")
    transcript = command("transcript", _cmd_transcript, "print a conversation from the tracker")
    transcript.add_argument("sender", metavar="SENDER")
    forget = command("forget", _cmd_forget, "erase a sender from the salon and tracker stores")
    forget.add_argument("sender", metavar="SENDER")
    forget.add_argument("--channel", help="only this channel's salon records")
    purge = command("purge", _cmd_purge, "delete salon records older than N days")
    purge.add_argument("--days", type=_positive_days, required=True, metavar="N")
    purge.add_argument(
        "--salon-only",
        action="store_true",
        help="only the salon tables (by default whole conversations idle for N days go from "
        "the tracker store too)",
    )
    report = command("report", _cmd_report, "write an HTML report for a period")
    period(report, required=True)
    report.add_argument("--out", required=True, metavar="FILE", help="the HTML file to write")
    report.add_argument("--title", default="Salon report", help="the page title")
    from salon import staff_messages  # its commands use this module's helpers

    staff_messages.add_commands(command)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one staff command.

    Args:
        argv: The arguments (``sys.argv[1:]`` by default).
        out: Where results go (stdout by default); errors go to stderr.

    Returns:
        The exit code: 0 success, 1 database unavailable, 2 usage error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        return handler(args, out or sys.stdout)
    except StaffError as error:
        sys.stderr.write(f"error: {error}\n")
        return error.code
    except sa.exc.OperationalError as error:
        sys.stderr.write(f"error: database unavailable: {error.__class__.__name__}\n")
        return EXIT_UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main())
