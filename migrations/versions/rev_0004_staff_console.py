"""The staff console: accounts, sessions, an audit log and the replies staff send.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _parent(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "salon_staff_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_login_at", _utc(), nullable=True),
    )
    op.create_table(
        "salon_staff_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer(), _parent("salon_staff_accounts"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
    )
    op.create_index("ix_salon_staff_sessions_account_id", "salon_staff_sessions", ["account_id"])
    op.create_table(
        "salon_staff_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(255), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_index("ix_salon_staff_audit_created_at", "salon_staff_audit", ["created_at"])
    op.create_table(
        "salon_staff_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), _parent("salon_handoff_requests"), nullable=True),
        sa.Column("booking_id", sa.Integer(), _parent("salon_booking_requests"), nullable=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
    )
    for column in ("handoff_id", "booking_id", "sender_id"):
        op.create_index(f"ix_salon_staff_replies_{column}", "salon_staff_replies", [column])


def downgrade() -> None:
    """Drop them."""
    for table in (
        "salon_staff_replies",
        "salon_staff_audit",
        "salon_staff_sessions",
        "salon_staff_accounts",
    ):
        op.drop_table(table)
