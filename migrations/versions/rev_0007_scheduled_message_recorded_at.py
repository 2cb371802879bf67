"""A scheduled message records when it was put in the conversation (WhatsApp templates).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 11:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``recorded_at``."""
    with op.batch_alter_table("salon_scheduled_messages") as batch:
        batch.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("salon_scheduled_messages") as batch:
        batch.drop_column("recorded_at")
