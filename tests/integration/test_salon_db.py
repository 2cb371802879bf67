"""The salon data layer on SQLite and PostgreSQL: migrations, models and repository.

Every repository test runs twice: on a SQLite file and on a fresh PostgreSQL database
(``salon_test_<random>``, created through an AUTOCOMMIT connection to ``test`` at
127.0.0.1:5432 and dropped afterwards). The schema always comes from the Alembic
migration, never from ``create_all``. PostgreSQL being unreachable is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from salon import db
from salon.models import (
    Base,
    BookingEvent,
    BookingRequest,
    Client,
    ConsultationSummary,
    HandoffRequest,
    Notification,
    Referral,
    utcnow,
)
from salon.repository import (
    ConsentRequiredError,
    DeletedCounts,
    InvalidDataError,
    SalonRepository,
    UnknownRecordError,
)
from tests.databases import BACKENDS, fresh_database

SALON_TABLES = {
    "salon_clients",
    "salon_consultation_summaries",
    "salon_referrals",
    "salon_booking_requests",
    "salon_handoff_requests",
    "salon_notifications",
    "salon_scheduled_messages",
    "salon_staff_accounts",
    "salon_staff_sessions",
    "salon_staff_audit",
    "salon_staff_replies",
}
WEB = "socketio"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with db.session_scope(engine) as session:
        yield session


@pytest.fixture
def repo(session: Session) -> SalonRepository:
    return SalonRepository(session)


def _count(session: Session, model: type) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one())


def _consented(repo: SalonRepository, sender: str, channel: str = WEB) -> Client:
    return repo.give_consent(channel, sender)


def _aware_utc(value: datetime | None) -> bool:
    return value is not None and value.utcoffset() == timedelta(0)


# Engines, sessions, migrations --------------------------------------------------------


def test_make_engine_creates_the_sqlite_folder_and_is_future(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "salon.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        assert path.parent.is_dir()
        assert engine._is_future  # 2.0-style engine
        with engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        engine.dispose()


def test_engine_from_env_reads_salon_db_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env" / "salon.db"
    monkeypatch.setenv("SALON_DB_URL", f"sqlite:///{path}")
    engine = db.engine_from_env()
    try:
        assert engine.url.database == str(path)
    finally:
        engine.dispose()
    monkeypatch.delenv("SALON_DB_URL")
    assert db.database_url() == "sqlite:///var/salon.db"


def test_importing_the_package_creates_no_engine() -> None:
    import salon.db as module

    assert not [name for name, value in vars(module).items() if isinstance(value, Engine)]


def test_migrations_dir_is_found_from_the_package() -> None:
    assert (db.MIGRATIONS_DIR / "env.py").is_file()
    assert Path(db.__file__).resolve().parents[1] / "migrations" == db.MIGRATIONS_DIR


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_upgrade_creates_and_downgrade_drops_every_table(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_database(backend, tmp_path) as url:
        # The working directory does not matter, and the URL may come from the environment.
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("SALON_DB_URL", url)
        db.upgrade()
        db.upgrade()  # idempotent
        engine = db.make_engine(url)
        try:
            tables = set(sa.inspect(engine).get_table_names())
            assert tables >= SALON_TABLES
            with engine.connect() as connection:
                version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
                assert version.scalar_one() == "0007"
                # The migration and the models agree (what autogenerate would see).
                diff = compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": True}),
                    Base.metadata,
                )
                # SQLite's own table of AUTOINCREMENT counters (migration 0006) is not ours.
                theirs = [
                    d for d in diff if d[0] == "remove_table" and d[1].name == "sqlite_sequence"
                ]
                assert [d for d in diff if d not in theirs] == []
            columns = {c["name"] for c in sa.inspect(engine).get_columns("salon_clients")}
            assert {"channel", "sender_id", "consent_given", "consent_at"} <= columns
            uniques = sa.inspect(engine).get_unique_constraints("salon_clients")
            assert any(set(u["column_names"]) == {"channel", "sender_id"} for u in uniques)

            db.downgrade(url)
            assert not SALON_TABLES & set(sa.inspect(engine).get_table_names())

            db.upgrade(url)  # and back up again
            assert set(sa.inspect(engine).get_table_names()) >= SALON_TABLES
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_to_never_reused_ids_keeps_every_row(backend: str, tmp_path: Path) -> None:
    """Migration 0006 rebuilds the SQLite tables: no row that refers to them is lost."""
    with fresh_database(backend, tmp_path) as url:
        db.upgrade(url, "0005")
        engine = db.make_engine(url)
        try:
            with db.session_scope(engine) as session:
                repo = SalonRepository(session)
                _consented(repo, "olga")
                repo.save_summary(WEB, "olga", concerns=["itch"])
                booking = repo.create_booking(WEB, "olga", "scalp_facial", email="o@example.com")
                repo.change_own_booking(WEB, "olga", booking.id, "monday")
                repo.create_handoff(WEB, "olga", "a person please")
            models = (Client, ConsultationSummary, BookingRequest, BookingEvent, Notification)
            with db.session_scope(engine) as session:
                before = {model: _count(session, model) for model in models}
            assert all(before.values())
            db.upgrade(url)
            with db.session_scope(engine) as session:
                assert {model: _count(session, model) for model in models} == before
                assert _count(session, HandoffRequest) == 1
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_erased_clients_numbers_are_never_given_again(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        db.upgrade(url)
        engine = db.make_engine(url)
        try:
            with db.session_scope(engine) as session:
                repo = SalonRepository(session)
                _consented(repo, "pia")
                first = repo.create_booking(WEB, "pia", "scalp_facial", email="p@example.com").id
                handoff = repo.create_handoff(WEB, "pia", "a person please").id
            with db.session_scope(engine) as session:
                SalonRepository(session).forget_client("pia")
            with db.session_scope(engine) as session:
                repo = SalonRepository(session)
                _consented(repo, "quinn")
                second = repo.create_booking(WEB, "quinn", "head_only_45", email="q@example.com")
                assert second.id > first
                assert repo.create_handoff(WEB, "quinn", "hello").id > handoff
        finally:
            engine.dispose()


# Models -------------------------------------------------------------------------------


def test_every_model_round_trips_with_aware_utc_datetimes(engine: Engine) -> None:
    stamp = datetime(2024, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    with db.session_scope(engine) as session:
        client = Client(
            channel=WEB,
            sender_id="model-1",
            consent_given=True,
            consent_at=stamp,
            contact_name="Jane",
            contact_email="jane@example.com",
            contact_phone="+442079460958",
        )
        session.add(client)
        session.flush()
        session.add_all(
            [
                ConsultationSummary(
                    client_id=client.id,
                    concerns=["itch", "flaking"],
                    scalp_type="dry",
                    sensitive=True,
                    referral="dermatologist",
                    massage_max_minutes=0.0,
                    massage_max_sessions_per_day=0.0,
                    routine_text="Gentle routine.",
                    created_at=stamp,
                ),
                Referral(client_id=client.id, sender_id="model-1", level="doctor"),
                BookingRequest(client_id=client.id, service="head_only_45", phone="+15551234567"),
                HandoffRequest(client_id=client.id, sender_id="model-1", reason="talk to staff"),
            ]
        )
    with db.session_scope(engine) as session:
        client = session.execute(sa.select(Client)).scalar_one()
        assert client.consent_at == stamp
        assert _aware_utc(client.consent_at) and _aware_utc(client.created_at)
        summary = session.execute(sa.select(ConsultationSummary)).scalar_one()
        assert summary.concerns == ["itch", "flaking"]
        assert summary.created_at == datetime(2024, 3, 1, 12, 30, tzinfo=timezone.utc)
        assert summary.client.sender_id == "model-1"
        booking = session.execute(sa.select(BookingRequest)).scalar_one()
        assert booking.status == "requested"  # the default
        assert booking.client is client
        handoff = session.execute(sa.select(HandoffRequest)).scalar_one()
        assert handoff.status == "open"
        referral = session.execute(sa.select(Referral)).scalar_one()
        assert _aware_utc(referral.created_at) and _aware_utc(handoff.created_at)
        assert [s.id for s in client.summaries] == [summary.id]
        assert "jane" not in repr(client)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    naive = Client(channel=WEB, sender_id="naive", created_at=datetime(2024, 1, 1))
    with (
        pytest.raises(sa.exc.StatementError, match="naive datetime"),
        db.session_scope(engine) as session,
    ):
        session.add(naive)


def test_channel_and_sender_are_unique_together(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        session.add_all(
            [Client(channel=WEB, sender_id="dup"), Client(channel="rest", sender_id="dup")]
        )
    with pytest.raises(sa.exc.IntegrityError), db.session_scope(engine) as session:
        session.add(Client(channel=WEB, sender_id="dup"))


def test_deleting_a_client_cascades_in_the_database(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        _consented(repo, "cascade")
        repo.save_summary(WEB, "cascade", concerns=["itch"])
        repo.create_booking(WEB, "cascade", "scalp_facial", email="c@example.com")
    with engine.begin() as connection:  # core DELETE: only ON DELETE CASCADE can help
        connection.execute(sa.delete(Client.__table__))
    with db.session_scope(engine) as session:
        assert _count(session, ConsultationSummary) == 0
        assert _count(session, BookingRequest) == 0
        assert _count(session, BookingEvent) == 0  # a request's history goes with it


def test_session_scope_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), db.session_scope(engine) as session:
        SalonRepository(session).get_or_create_client(WEB, "rolled-back")
        raise RuntimeError("boom")
    with db.session_scope(engine) as session:
        assert SalonRepository(session).find_client(WEB, "rolled-back") is None


# Clients and consent ------------------------------------------------------------------


def test_get_or_create_client_is_idempotent_per_channel(repo: SalonRepository) -> None:
    first = repo.get_or_create_client(WEB, "alice")
    seen = first.last_seen_at
    again = repo.get_or_create_client(WEB, "alice")
    other_channel = repo.get_or_create_client("telegram", "alice")
    assert again.id == first.id
    assert other_channel.id != first.id
    assert again.last_seen_at >= seen
    assert first.consent_given is False and first.consent_at is None
    assert repo.find_client(WEB, "nobody") is None
    with pytest.raises(InvalidDataError):
        repo.get_or_create_client(WEB, "")


def test_give_and_withdraw_consent(repo: SalonRepository, session: Session) -> None:
    assert repo.has_consent(WEB, "bob") is False
    client = repo.give_consent(WEB, "bob")
    assert client.consent_given is True
    assert _aware_utc(client.consent_at)
    assert repo.has_consent(WEB, "bob") is True
    repo.save_summary(WEB, "bob", concerns=["oiliness"])
    repo.create_booking(WEB, "bob", "scalp_facial", name="Bob Smith", phone="07700 900123")
    assert client.contact_phone == "07700900123"

    withdrawn = repo.withdraw_consent(WEB, "bob")
    assert withdrawn is not None and withdrawn.consent_given is False
    assert withdrawn.consent_at is None
    assert (withdrawn.contact_name, withdrawn.contact_email, withdrawn.contact_phone) == (
        None,
        None,
        None,
    )
    assert _count(session, ConsultationSummary) == 0
    assert _count(session, BookingRequest) == 1  # kept for staff to honour or cancel
    assert repo.has_consent(WEB, "bob") is False
    assert repo.withdraw_consent(WEB, "never-seen") is None

    explicit = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    assert repo.give_consent(WEB, "bob", at=explicit).consent_at == explicit


# Summaries ----------------------------------------------------------------------------


def test_save_summary_requires_consent(repo: SalonRepository, session: Session) -> None:
    with pytest.raises(ConsentRequiredError, match="has not consented"):
        repo.save_summary(WEB, "stranger", concerns=["itch"])
    repo.get_or_create_client(WEB, "stranger")
    with pytest.raises(ConsentRequiredError):
        repo.save_summary(WEB, "stranger", concerns=["itch"])
    assert _count(session, ConsultationSummary) == 0


def test_save_summary_and_latest_summary(repo: SalonRepository) -> None:
    _consented(repo, "carol")
    first = repo.save_summary(
        WEB,
        "carol",
        concerns=["buildup", "oiliness", "buildup"],
        scalp_type="oily",
        sensitive=False,
        referral="none",
        massage_max_minutes=10,
        massage_max_sessions_per_day=1,
        routine_text="1. Exfoliate gently...",
    )
    assert first.concerns == ["buildup", "oiliness"]  # duplicates dropped, order kept
    second = repo.save_summary(WEB, "carol", concerns=["shedding"], referral="doctor")
    latest = repo.latest_summary(WEB, "carol")
    assert latest is not None and latest.id == second.id
    assert latest.referral == "doctor"
    assert repo.latest_summary(WEB, "someone-else") is None


@pytest.mark.parametrize(
    "bad",
    [
        {"concerns": ["dandruff"]},
        {"scalp_type": "greasy"},
        {"referral": "surgeon"},
        {"massage_max_minutes": -1},
    ],
)
def test_save_summary_rejects_values_outside_the_contract(
    repo: SalonRepository, bad: dict[str, object]
) -> None:
    _consented(repo, "dave")
    with pytest.raises(InvalidDataError):
        repo.save_summary(WEB, "dave", **bad)  # type: ignore[arg-type]


# Referrals ----------------------------------------------------------------------------


def test_record_referral_links_only_consenting_senders(repo: SalonRepository) -> None:
    _consented(repo, "erin")
    linked = repo.record_referral(WEB, "erin", "dermatologist", ["psoriasis", "scaling"])
    assert linked.client_id is not None and linked.sender_id == "erin"
    assert linked.conditions == "psoriasis, scaling"

    anonymous = repo.record_referral(WEB, "frank", "urgent", "fever and a hot, swollen scalp")
    assert anonymous.client_id is None and anonymous.sender_id is None
    assert anonymous.level == "urgent"
    assert repo.find_client(WEB, "frank") is None  # no client row was created

    for bad in ("none", "surgeon"):
        with pytest.raises(InvalidDataError):
            repo.record_referral(WEB, "erin", bad)


def test_list_referrals_by_period_and_level(repo: SalonRepository, session: Session) -> None:
    march = datetime(2024, 3, 10, tzinfo=timezone.utc)
    april = datetime(2024, 4, 10, tzinfo=timezone.utc)
    for when, level in [(march, "doctor"), (april, "dermatologist"), (april, "doctor")]:
        repo.record_referral(WEB, "anon", level).created_at = when
    session.flush()
    in_april = repo.list_referrals(
        since=datetime(2024, 4, 1, tzinfo=timezone.utc),
        until=datetime(2024, 5, 1, tzinfo=timezone.utc),
    )
    assert [r.level for r in in_april] == ["dermatologist", "doctor"]
    assert len(repo.list_referrals(level="doctor")) == 2
    assert len(repo.list_referrals()) == 3
    with pytest.raises(InvalidDataError, match="timezone-aware"):
        repo.list_referrals(since=datetime(2024, 4, 1))


# Bookings -----------------------------------------------------------------------------


def test_create_booking_validates_and_normalises(repo: SalonRepository) -> None:
    _consented(repo, "gina")
    booking = repo.create_booking(
        WEB,
        "gina",
        "head_massage_add_on_20",
        name="  Gina   Lopez ",
        email=" Gina@Example.COM ",
        preferred_times="Friday afternoon",
    )
    assert booking.status == "requested"
    assert booking.email == "Gina@example.com"
    assert booking.phone is None
    assert booking.name == "Gina Lopez"
    client = repo.find_client(WEB, "gina")
    assert client is not None and client.contact_email == "Gina@example.com"

    phone_only = repo.create_booking(WEB, "gina", "head_only_45", phone="+44 (0)20 7946 0958")
    assert phone_only.phone == "+442079460958" and phone_only.email is None


@pytest.mark.parametrize(
    ("service", "contact", "message"),
    [
        ("hair_cut", {"email": "a@example.com"}, "unknown service"),
        ("scalp_facial", {}, "email address or a phone number"),
        ("scalp_facial", {"email": "  ", "phone": ""}, "email address or a phone number"),
        ("scalp_facial", {"email": "not-an-email"}, "email address does not look valid"),
        ("scalp_facial", {"phone": "12"}, "phone number does not look valid"),
        ("scalp_facial", {"email": "a@example.com", "phone": "call me"}, "phone number"),
    ],
)
def test_create_booking_rejects_bad_input(
    repo: SalonRepository, service: str, contact: dict[str, str], message: str
) -> None:
    _consented(repo, "hank")
    with pytest.raises(InvalidDataError, match=message):
        repo.create_booking(WEB, "hank", service, **contact)


def test_create_booking_requires_consent(repo: SalonRepository, session: Session) -> None:
    with pytest.raises(ConsentRequiredError):
        repo.create_booking(WEB, "ivy", "scalp_facial", email="ivy@example.com")
    assert _count(session, BookingRequest) == 0


def test_list_bookings_and_status(repo: SalonRepository, session: Session) -> None:
    _consented(repo, "jack")
    old = repo.create_booking(WEB, "jack", "scalp_facial", email="jack@example.com")
    old.created_at = datetime(2024, 1, 15, tzinfo=timezone.utc)
    new = repo.create_booking(WEB, "jack", "head_only_45", email="jack@example.com")
    new.created_at = datetime(2024, 2, 15, tzinfo=timezone.utc)
    session.flush()
    assert [b.id for b in repo.list_bookings()] == [old.id, new.id]
    feb = repo.list_bookings(since=datetime(2024, 2, 1, tzinfo=timezone.utc))
    assert [b.id for b in feb] == [new.id]
    jan = repo.list_bookings(until=datetime(2024, 2, 1, tzinfo=timezone.utc))
    assert [b.id for b in jan] == [old.id]
    assert repo.set_booking_status(new.id, "confirmed").status == "confirmed"
    assert [b.id for b in repo.list_bookings(status="confirmed")] == [new.id]
    with pytest.raises(InvalidDataError):
        repo.set_booking_status(new.id, "lost")
    with pytest.raises(UnknownRecordError):
        repo.set_booking_status(999_999, "done")


def test_a_booking_keeps_its_history(repo: SalonRepository, session: Session) -> None:
    _consented(repo, "kim")
    booking = repo.create_booking(
        WEB, "kim", "scalp_facial", email="kim@example.com", preferred_times="friday"
    )
    repo.set_booking_status(booking.id, "confirmed", by="maria")
    changed = repo.change_own_booking(WEB, "kim", booking.id, "  monday\n 10am ")
    assert changed.preferred_times == "monday 10am"
    assert changed.status == "requested"  # the new time is not agreed yet
    with pytest.raises(InvalidDataError):
        repo.change_own_booking(WEB, "kim", booking.id, "   ")
    with pytest.raises(UnknownRecordError):  # another sender's request
        repo.change_own_booking(WEB, "someone-else", booking.id, "tuesday")
    repo.cancel_own_booking(WEB, "kim", booking.id)
    with pytest.raises(UnknownRecordError):  # no longer open
        repo.change_own_booking(WEB, "kim", booking.id, "tuesday")
    session.expire_all()
    steps = [
        (e.event, e.status, e.by, e.note) for e in session.get(BookingRequest, booking.id).events
    ]
    assert steps == [
        ("requested", "requested", "client", None),
        ("status", "confirmed", "maria", None),
        ("changed", "requested", "client", "monday 10am"),
        ("cancelled", "cancelled", "client", None),
    ]
    kinds = [n.kind for n in session.query(Notification).order_by(Notification.id)]
    assert kinds == ["booking", "booking_changed", "booking_cancelled"]


def test_a_held_request_stays_held_when_its_time_changes(repo: SalonRepository) -> None:
    _consented(repo, "lee")
    booking = repo.create_booking(
        WEB, "lee", "scalp_facial", email="lee@example.com", referral="dermatologist"
    )
    assert repo.change_own_booking(WEB, "lee", booking.id, "next month").status == "held"
    assert [e.event for e in booking.events] == ["held", "changed"]


# Handoffs -----------------------------------------------------------------------------


def test_handoffs_open_list_and_close(repo: SalonRepository) -> None:
    _consented(repo, "kim")
    linked = repo.create_handoff(WEB, "kim", "wants a person", "user: hi\nbot: hello")
    anonymous = repo.create_handoff("rest", "lee", "question about prices")
    assert linked.client_id is not None and linked.status == "open"
    assert anonymous.client_id is None and anonymous.sender_id == "lee"
    assert [h.id for h in repo.list_handoffs()] == [linked.id, anonymous.id]
    repo.close_handoff(linked.id)
    assert [h.id for h in repo.list_handoffs("open")] == [anonymous.id]
    assert [h.id for h in repo.list_handoffs("closed")] == [linked.id]
    assert len(repo.list_handoffs(None)) == 2
    assert linked.transcript == "user: hi\nbot: hello"
    with pytest.raises(InvalidDataError):
        repo.list_handoffs("pending")
    with pytest.raises(UnknownRecordError):
        repo.close_handoff(999_999)
    with pytest.raises(InvalidDataError):
        repo.create_handoff(WEB, "", "no sender")


# Erasure and retention ----------------------------------------------------------------


def _full_client(repo: SalonRepository, sender: str, channel: str = WEB) -> None:
    _consented(repo, sender, channel)
    repo.save_summary(channel, sender, concerns=["itch"], referral="dermatologist")
    repo.record_referral(channel, sender, "dermatologist", "eczema")
    repo.create_booking(channel, sender, "scalp_facial", email=f"{sender}@example.com")
    repo.create_handoff(channel, sender, "call me")


def test_forget_client_deletes_every_row_of_the_sender(
    repo: SalonRepository, session: Session
) -> None:
    _full_client(repo, "mona")
    _full_client(repo, "mona", channel="telegram")
    _full_client(repo, "nina")
    repo.create_handoff(WEB, "mona-guest", "no client row")  # another sender

    assert repo.sender_known("mona") and repo.sender_known("mona", "telegram")
    deleted = repo.forget_client("mona", channel="telegram")
    assert deleted == DeletedCounts(clients=1, summaries=1, referrals=1, bookings=1, handoffs=1)
    assert repo.find_client("telegram", "mona") is None
    assert repo.find_client(WEB, "mona") is not None

    deleted = repo.forget_client("mona")
    assert deleted.total == 5
    assert not repo.sender_known("mona")
    for model, expected in [
        (Client, 1),
        (ConsultationSummary, 1),
        (Referral, 1),
        (BookingRequest, 1),
        (BookingEvent, 1),
        (HandoffRequest, 2),
    ]:
        assert _count(session, model) == expected, model
    assert repo.find_client(WEB, "nina") is not None
    assert repo.forget_client("mona") == DeletedCounts()


def test_forget_removes_handoffs_and_referrals_without_a_client(repo: SalonRepository) -> None:
    repo.create_handoff(WEB, "olga", "help")
    repo.get_or_create_client(WEB, "olga")
    assert repo.sender_known("olga")
    assert repo.forget_client("olga") == DeletedCounts(clients=1, handoffs=1)
    assert not repo.sender_known("olga")


def test_purge_older_than(repo: SalonRepository, session: Session) -> None:
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    long_ago = now - timedelta(days=100)
    _full_client(repo, "old")
    _full_client(repo, "recent")
    old = repo.find_client(WEB, "old")
    assert old is not None
    old.last_seen_at = long_ago
    old.created_at = long_ago
    recent = repo.find_client(WEB, "recent")
    assert recent is not None
    recent.last_seen_at = now
    # The recent client also has an old booking, which goes on its own.
    stale_booking = repo.create_booking(WEB, "recent", "head_only_45", phone="+15551234567")
    stale_booking.created_at = long_ago
    for model in (ConsultationSummary, Referral, BookingRequest, HandoffRequest):
        session.execute(
            sa.update(model)
            .where(model.id.in_(sa.select(model.id).where(model.created_at > long_ago)))
            .values(created_at=now - timedelta(days=1))
            .execution_options(synchronize_session=False)
        )
    session.flush()

    deleted = repo.purge_older_than(30, now=now)
    assert deleted == DeletedCounts(clients=1, summaries=1, referrals=1, bookings=2, handoffs=1)
    assert repo.find_client(WEB, "old") is None
    assert repo.find_client(WEB, "recent") is not None
    assert _count(session, BookingRequest) == 1
    assert repo.purge_older_than(30, now=now).total == 0
    with pytest.raises(InvalidDataError):
        repo.purge_older_than(0)


# Reporting ----------------------------------------------------------------------------


def test_report_counts(repo: SalonRepository, session: Session) -> None:
    inside = datetime(2024, 4, 15, tzinfo=timezone.utc)
    outside = datetime(2024, 3, 15, tzinfo=timezone.utc)
    _consented(repo, "pat")
    rows = [
        repo.save_summary(WEB, "pat", concerns=["itch", "flaking"]),
        repo.save_summary(WEB, "pat", concerns=["itch"]),
        repo.record_referral(WEB, "pat", "dermatologist"),
        repo.record_referral(WEB, "anon", "urgent"),
        repo.create_booking(WEB, "pat", "scalp_facial", email="pat@example.com"),
        repo.create_booking(WEB, "pat", "scalp_facial", phone="+15551234567"),
        repo.create_handoff(WEB, "pat", "person please"),
    ]
    for row in rows:
        row.created_at = inside
    late = repo.save_summary(WEB, "pat", concerns=["tension"])
    late.created_at = outside
    repo.record_referral(WEB, "pat", "doctor").created_at = outside
    session.flush()

    counts = repo.report_counts(
        datetime(2024, 4, 1, tzinfo=timezone.utc), datetime(2024, 5, 1, tzinfo=timezone.utc)
    )
    assert counts.consultations == 2
    assert counts.concerns["itch"] == 2 and counts.concerns["flaking"] == 1
    assert counts.concerns["tension"] == 0 and set(counts.concerns) >= {"buildup", "breakage"}
    assert counts.referrals == {"doctor": 0, "dermatologist": 1, "urgent": 1}
    assert counts.bookings == {"scalp_facial": 2, "head_massage_add_on_20": 0, "head_only_45": 0}
    assert counts.handoffs == 1
    with pytest.raises(InvalidDataError):
        repo.report_counts(inside, inside)


def test_utcnow_is_aware() -> None:
    assert _aware_utc(utcnow())
