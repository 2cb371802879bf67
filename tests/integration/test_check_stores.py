"""scripts/check_stores.py stops a start whose tracker or lock store is unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_stores.py")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LOCK_STORE_TYPE": "in_memory", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"TRACKER_DB_URL": "sqlite:///var/t.db"},
        {"TRACKER_DB_URL": "postgresql://postgres@127.0.0.1:5432/test"},
        {"LOCK_STORE_TYPE": "redis", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379"},
    ],
)
def test_reachable_stores_pass(tmp_path: Path, env: dict[str, str]) -> None:
    env.setdefault("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    result = check(tmp_path, **env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TRACKER_DB_URL": "postgresql://rasa:s3cret@127.0.0.1:1/rasa"},
            "the tracker store postgresql://rasa:***@127.0.0.1:1/rasa is unreachable",
        ),
        ({"TRACKER_DB_URL": "postgresql://postgres@127.0.0.1:5432/no_such_db"}, "unreachable"),
        ({"TRACKER_DB_URL": "not a url"}, "not a database URL"),
        (
            {"LOCK_STORE_TYPE": "redis", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "1"},
            "the Redis lock store at 127.0.0.1:1 is unreachable",
        ),
        (
            {
                "LOCK_STORE_TYPE": "addons.server.lock_store.ScalpCareRedisLockStore",
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": "1",
            },
            "the Redis lock store at 127.0.0.1:1 is unreachable",
        ),
    ],
)
def test_unreachable_stores_stop_the_start(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    env.setdefault("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    result = check(tmp_path, **env)
    assert result.returncode == 1
    assert message in result.stderr and "in memory only" in result.stderr
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr


def test_run_sh_refuses_to_start_without_its_tracker_store(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TRACKER_DB_URL": "postgresql://rasa@127.0.0.1:1/rasa",
        "SALON_DB_URL": f"sqlite:///{tmp_path / 'salon.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "CREDENTIALS_FILE": str(tmp_path / "credentials.yml"),
    }
    result = subprocess.run(
        [str(ROOT / "scripts" / "run.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "the tracker store postgresql://rasa@127.0.0.1:1/rasa is unreachable" in result.stderr
    assert not (tmp_path / "salon.db").exists()  # stopped before anything else started
