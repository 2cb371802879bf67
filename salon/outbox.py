"""Rows sent later by a background task (staff notifications, scheduled check-ins).

The same three steps serve both: pick the due rows, claim one so that no other action
server sends it too (the claim expires after :data:`CLAIM`, should a sender die), and
release it with the outcome. Used by :mod:`salon.notify` and :mod:`salon.schedule`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from salon import db

#: How long one sender holds a row it is sending.
CLAIM = timedelta(minutes=2)


def due_ids(
    engine: Engine, model: Any, status: str, due: Any, order: Any, now: datetime, limit: int
) -> list[int]:
    """The ids of ``model`` rows in ``status`` whose ``due`` column has passed, by ``order``."""
    with db.session_scope(engine) as session:
        return list(
            session.execute(
                sa.select(model.id)
                .where(model.status == status, due <= now)
                .order_by(order, model.id)
                .limit(limit)
            ).scalars()
        )


def claim(engine: Engine, model: Any, row_id: int, status: str, now: datetime) -> Any | None:
    """Hold a row still in ``status`` for :data:`CLAIM`; None when another sender holds it."""
    with db.session_scope(engine) as session:
        claimed = session.execute(
            sa.update(model)
            .where(
                model.id == row_id,
                model.status == status,
                sa.or_(model.claimed_until.is_(None), model.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:
            return None
        return session.get(model, row_id)


def release(engine: Engine, model: Any, row_id: int, **values: object) -> None:
    """Record a send's outcome on the row and let go of it."""
    with db.session_scope(engine) as session:
        session.execute(
            sa.update(model)
            .where(model.id == row_id)
            .values(claimed_until=None, **values)
            .execution_options(synchronize_session=False)
        )
