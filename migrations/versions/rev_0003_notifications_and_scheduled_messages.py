"""Staff notifications and scheduled messages, both kept in the database.

A notification (handoff, booking, urgent referral) is written with the request it is
about and removed with it (ON DELETE CASCADE); salon/notify.py delivers it by e-mail
and webhook, with retries. A scheduled message (the routine check-in) belongs to a
client who consented and survives restarts; salon/schedule.py sends it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _parent(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def upgrade() -> None:
    """Create salon_notifications and its indexes."""
    op.create_table(
        "salon_notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), _parent("salon_handoff_requests"), nullable=True),
        sa.Column("booking_id", sa.Integer(), _parent("salon_booking_requests"), nullable=True),
        sa.Column("referral_id", sa.Integer(), _parent("salon_referrals"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("email_sent_at", _utc(), nullable=True),
        sa.Column("webhook_sent_at", _utc(), nullable=True),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("claimed_until", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
    )
    for column in ("handoff_id", "booking_id", "referral_id", "status", "created_at"):
        op.create_index(f"ix_salon_notifications_{column}", "salon_notifications", [column])

    op.create_table(
        "salon_scheduled_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), _parent("salon_clients"), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("due_at", _utc(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
    )
    for column in ("client_id", "due_at", "status"):
        op.create_index(
            f"ix_salon_scheduled_messages_{column}", "salon_scheduled_messages", [column]
        )


def downgrade() -> None:
    """Drop the tables (their indexes go with them)."""
    op.drop_table("salon_scheduled_messages")
    op.drop_table("salon_notifications")
