"""Staff accounts, login sessions, failed-login limits and the audit log of the console.

- Passwords are hashed with argon2id (``argon2-cffi``); no default account or password
  ships: ``python -m console.accounts create NAME`` makes the first one (it asks for the
  password twice, or reads one line from standard input with ``--password-stdin``).
- A session is a random token in an HttpOnly, SameSite=Strict cookie; the database keeps
  only its SHA-256, with the session's CSRF token and its expiry
  (``CONSOLE_SESSION_HOURS``, 12 by default).
- Failed logins are limited: 5 per user name and 20 per address in 15 minutes
  (:class:`LoginLimiter`).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import secrets
import sys
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from salon import db
from salon.models import StaffAccount, StaffAuditEntry, StaffSession, utcnow

_HASHER = PasswordHasher()
#: A hash to verify against when the user name is unknown, so both take the same time.
_DUMMY_HASH = _HASHER.hash("not a password anyone has")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A user name or password the console refuses."""


@dataclass(frozen=True)
class Staff:
    """The member of staff a request is from."""

    username: str
    csrf_token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(session: Session, username: str, password: str) -> StaffAccount:
    """Create an active account (or reactivate one with a new password)."""
    username = username.strip().lower()
    if not (2 <= len(username) <= 64) or not username.replace(".", "").replace("-", "").isalnum():
        raise AccountError("a user name is 2-64 letters or digits (with . or -)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    account = session.execute(
        sa.select(StaffAccount).where(StaffAccount.username == username)
    ).scalar_one_or_none()
    if account is None:
        account = StaffAccount(username=username, password_hash=_HASHER.hash(password))
        session.add(account)
    else:
        account.password_hash = _HASHER.hash(password)
        account.active = True
    session.flush()
    return account


def disable_account(session: Session, username: str) -> bool:
    """Disable an account and end its sessions; False when there is no such account."""
    account = session.execute(
        sa.select(StaffAccount).where(StaffAccount.username == username.strip().lower())
    ).scalar_one_or_none()
    if account is None:
        return False
    account.active = False
    session.execute(sa.delete(StaffSession).where(StaffSession.account_id == account.id))
    session.flush()
    return True


def check_password(session: Session, username: str, password: str) -> StaffAccount | None:
    """The active account if the password is right, else None (same time either way)."""
    account = session.execute(
        sa.select(StaffAccount).where(StaffAccount.username == username.strip().lower())
    ).scalar_one_or_none()
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    return account


def start_session(session: Session, account: StaffAccount, hours: float) -> str:
    """Open a session for ``account``; return the cookie's token (kept only hashed)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            account_id=account.id,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    account.last_login_at = utcnow()
    session.flush()
    return token


def staff_for(session: Session, token: str | None) -> Staff | None:
    """The member of staff a session cookie belongs to (None: none, expired or disabled)."""
    if not token:
        return None
    row = session.execute(
        sa.select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
        .where(StaffSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    staff_session, account = row
    if not account.active or staff_session.expires_at <= utcnow():
        return None
    return Staff(account.username, staff_session.csrf_token)


def end_session(session: Session, token: str | None) -> None:
    """Log out: the session's row goes."""
    if token:
        session.execute(
            sa.delete(StaffSession).where(StaffSession.token_hash == _token_hash(token))
        )


def csrf_matches(expected: str, given: str | None) -> bool:
    """Compare a form's CSRF token with the session's, in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def audit(session: Session, username: str, action: str, target: str | None = None) -> None:
    """Record what a member of staff did."""
    session.add(StaffAuditEntry(username=username, action=action, target=target))


class LoginLimiter:
    """Failed logins allowed per user name and per address within ``window`` seconds.

    Per name it is strict (guessing one account's password); per address it is looser,
    because a salon's front desk shares one address and one colleague's typos must not
    lock everyone out.
    """

    def __init__(self, per_user: int = 5, per_address: int = 20, window: float = 900.0) -> None:
        """Set the limits."""
        self.limits = {"user": per_user, "addr": per_address}
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def _keys(self, username: str, address: str) -> tuple[tuple[str, int], ...]:
        return (
            (f"user:{username.strip().lower()}", self.limits["user"]),
            (f"addr:{address}", self.limits["addr"]),
        )

    def blocked(self, username: str, address: str, now: float | None = None) -> bool:
        """Tell whether a login for this name or from this address must wait."""
        now = time.monotonic() if now is None else now
        return any(
            len(self._recent(key, now)) >= limit for key, limit in self._keys(username, address)
        )

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        """Count a failed login."""
        now = time.monotonic() if now is None else now
        for key, _ in self._keys(username, address):
            self._recent(key, now).append(now)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m console.accounts create|disable NAME``: manage console accounts."""
    parser = argparse.ArgumentParser(prog="python -m console.accounts", description=main.__doc__)
    parser.add_argument("--salon-db", metavar="URL", help="salon database (default $SALON_DB_URL)")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account, or set a new password")
    create.add_argument("username")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    disable = commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    args = parser.parse_args(argv)
    engine = db.make_engine(db.database_url(args.salon_db))
    try:
        with db.session_scope(engine) as session:
            if args.command == "disable":
                if not disable_account(session, args.username):
                    print(f"error: no account {args.username!r}", file=sys.stderr)
                    return 2
                audit(session, "(command line)", "disable account", args.username)
                print(f"account {args.username!r} disabled")
                return 0
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("Password: ")
                if getpass.getpass("Again: ") != password:
                    print("error: the passwords differ", file=sys.stderr)
                    return 2
            try:
                create_account(session, args.username, password)
            except AccountError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
            audit(session, "(command line)", "create account", args.username)
            print(f"account {args.username.strip().lower()!r} can log in at /staff/")
            return 0
    except sa.exc.OperationalError as error:
        print(
            f"error: database unavailable ({error.__class__.__name__}); run "
            "`python -m salon.staff migrate` first",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
