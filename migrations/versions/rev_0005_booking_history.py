"""A booking request's history: each step, who took it, when, and the words used.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the history table."""
    op.create_table(
        "salon_booking_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "booking_id",
            sa.Integer(),
            sa.ForeignKey("salon_booking_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_salon_booking_events_booking_id", "salon_booking_events", ["booking_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_salon_booking_events_booking_id", table_name="salon_booking_events")
    op.drop_table("salon_booking_events")
