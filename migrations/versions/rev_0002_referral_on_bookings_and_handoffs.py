"""A standing referral on booking requests; a red-flag alert on handoffs.

A booking request made while a dermatologist or urgent referral stands is held
("after a doctor has seen it") and carries that referral. A red flag written while a
person from the salon has the conversation is recorded on the open handoff.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two columns (nullable: old rows have neither)."""
    with op.batch_alter_table("salon_booking_requests") as batch:
        batch.add_column(sa.Column("referral", sa.String(32), nullable=True))
    with op.batch_alter_table("salon_handoff_requests") as batch:
        batch.add_column(sa.Column("alert", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("salon_handoff_requests") as batch:
        batch.drop_column("alert")
    with op.batch_alter_table("salon_booking_requests") as batch:
        batch.drop_column("referral")
