"""The container layout (deploy/) against the code it runs: read, not run (no Docker here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf8")
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
#: The project's packages (tests/unit/test_boundaries.py): the image needs every one.
PACKAGES = ("scalpcare", "salon", "actions", "addons", "console")


def test_the_image_holds_every_package_of_the_project() -> None:
    copied = set(re.findall(r"^COPY (\w+) \1$", DOCKERFILE, re.M))
    assert set(PACKAGES) <= copied


def test_compose_runs_the_staff_console_on_the_host_only() -> None:
    console = COMPOSE["services"]["console"]
    assert console["command"][:3] == ["python", "-m", "console.app"]
    assert all(port.startswith("127.0.0.1:") for port in console["ports"])
    env = console["environment"]
    # The salon's database, the transcripts, and Rasa's API with its token.
    assert {"SALON_DB_URL", "TRACKER_DB_URL", "RASA_URL", "RASA_API_TOKEN"} <= set(env)
    assert "/staff/health" in " ".join(console["healthcheck"]["test"])


def test_nothing_in_compose_is_published_beyond_the_host() -> None:
    for name, service in COMPOSE["services"].items():
        for port in service.get("ports") or []:
            assert str(port).startswith("127.0.0.1:"), name


def test_the_helm_console_runs_inside_the_cluster_with_what_it_needs() -> None:
    values: dict[str, Any] = yaml.safe_load(
        (ROOT / "deploy" / "helm" / "values-console.yaml").read_text()
    )
    assert values["command"] == ["python", "-m", "console.app"]
    assert values["args"][-1] == str(values["applicationSettings"]["port"])
    assert values["service"]["type"] == "ClusterIP"  # never published by itself
    env = {item["name"]: item for item in values["extraEnv"]}
    assert {"SALON_DB_URL", "TRACKER_DB_URL", "RASA_URL", "RASA_API_TOKEN"} <= set(env)
    assert env["CONSOLE_SECURE_COOKIES"]["value"] == "1"
    for probe in ("readinessProbe", "livenessProbe"):
        assert values[probe]["httpGet"]["path"] == "/staff/health"
    # The failed-login limit lives in the process: one pod.
    assert values["replicaCount"] == 1
