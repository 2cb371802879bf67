"""Initial salon schema: clients, summaries, referrals, bookings, handoffs.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every salon table."""
    op.create_table(
        "salon_clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("consent_given", sa.Boolean(), nullable=False),
        sa.Column("consent_at", _utc(), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.UniqueConstraint("channel", "sender_id", name="uq_salon_clients_sender"),
    )
    op.create_index("ix_salon_clients_sender_id", "salon_clients", ["sender_id"])

    op.create_table(
        "salon_consultation_summaries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("scalp_type", sa.String(32), nullable=True),
        sa.Column("sensitive", sa.Boolean(), nullable=True),
        sa.Column("referral", sa.String(32), nullable=False),
        sa.Column("massage_max_minutes", sa.Float(), nullable=True),
        sa.Column("massage_max_sessions_per_day", sa.Float(), nullable=True),
        sa.Column("routine_text", sa.Text(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("feedback_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_index(
        "ix_salon_consultation_summaries_client_id", "salon_consultation_summaries", ["client_id"]
    )
    op.create_index(
        "ix_salon_consultation_summaries_created_at",
        "salon_consultation_summaries",
        ["created_at"],
    )

    op.create_table(
        "salon_referrals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("sender_id", sa.String(255), nullable=True),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_index("ix_salon_referrals_client_id", "salon_referrals", ["client_id"])
    op.create_index("ix_salon_referrals_sender_id", "salon_referrals", ["sender_id"])
    op.create_index("ix_salon_referrals_created_at", "salon_referrals", ["created_at"])

    op.create_table(
        "salon_booking_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("preferred_times", sa.Text(), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_index("ix_salon_booking_requests_client_id", "salon_booking_requests", ["client_id"])
    op.create_index(
        "ix_salon_booking_requests_created_at", "salon_booking_requests", ["created_at"]
    )

    op.create_table(
        "salon_handoff_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer(),
            sa.ForeignKey("salon_clients.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_index("ix_salon_handoff_requests_client_id", "salon_handoff_requests", ["client_id"])
    op.create_index("ix_salon_handoff_requests_sender_id", "salon_handoff_requests", ["sender_id"])
    op.create_index("ix_salon_handoff_requests_status", "salon_handoff_requests", ["status"])
    op.create_index(
        "ix_salon_handoff_requests_created_at", "salon_handoff_requests", ["created_at"]
    )


def downgrade() -> None:
    """Drop every salon table (children first)."""
    for table in (
        "salon_handoff_requests",
        "salon_booking_requests",
        "salon_referrals",
        "salon_consultation_summaries",
        "salon_clients",
    ):
        op.drop_table(table)
