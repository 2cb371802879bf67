"""Ids are never handed out again on SQLite (AUTOINCREMENT), as on PostgreSQL.

SQLite gives a new row the highest id in use plus one, so after an erasure the next
booking or handoff took the erased one's number: an old e-mail ("booking request #3"),
console link or audit entry then pointed at another client. ``AUTOINCREMENT`` keeps
the highest id ever used (``sqlite_sequence``). The tables are rebuilt (copy, drop,
rename) with foreign keys off (migrations/env.py), so no row that refers to them is
lost. PostgreSQL's sequences never reuse an id: nothing changes there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 11:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Every table whose rows erasure or the retention purge deletes (salon/models.py).
TABLES = (
    "salon_clients",
    "salon_consultation_summaries",
    "salon_referrals",
    "salon_booking_requests",
    "salon_booking_events",
    "salon_handoff_requests",
    "salon_notifications",
    "salon_scheduled_messages",
    "salon_staff_replies",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    """Rebuild the tables with AUTOINCREMENT ids (SQLite only)."""
    _rebuild(True)


def downgrade() -> None:
    """Rebuild them without (SQLite only)."""
    _rebuild(False)
