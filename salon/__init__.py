"""The salon's own data: clients, consultation summaries, referrals, bookings and handoffs.

This package is the action server's data layer (SQLAlchemy 1.4, 2.0-style) and the
back end of the staff tools (``python -m salon.staff``). Nothing here talks to Rasa:
Rasa actions and the staff CLI call :class:`~salon.repository.SalonRepository`
inside :func:`~salon.db.session_scope`.
"""
