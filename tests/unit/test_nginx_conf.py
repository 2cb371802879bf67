"""One nginx configuration for make cluster and deploy/ (scripts/nginx_conf.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import nginx_conf  # noqa: E402


def test_the_committed_deploy_configuration_is_the_generated_one() -> None:
    committed = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf8")
    assert committed == nginx_conf.render(nginx_conf.compose_layout())


def _locations(conf: str) -> dict[str, str]:
    """Each location of the public server and whether it proxies or refuses."""
    public = conf.split("# The action servers")[0]
    found = re.findall(r"location (\S+) \{\n\s*(proxy_pass|return 404|limit_req)", public)
    return {path: "refused" if what == "return 404" else "published" for path, what in found}


def test_deploy_publishes_only_the_widget_and_the_webhooks() -> None:
    conf = nginx_conf.render(nginx_conf.compose_layout())
    assert _locations(conf) == {
        "/socket.io/": "published",
        "/webhooks/rest/": "refused",
        "/webhooks/": "published",
        "/": "refused",
    }


@pytest.mark.parametrize("publish_rest", [False, True])
def test_the_cluster_keeps_the_api_local_and_rest_optional(
    tmp_path: Path, publish_rest: bool
) -> None:
    args = ["cluster", "--dir", str(tmp_path), "--rasa-port", "15005", "--replicas", "1", "2"]
    args += ["--action-port", "15055", "--action-servers", "3", "4"]
    conf = _render(args + (["--publish-rest"] if publish_rest else []))
    assert "listen 127.0.0.1:15005;" in conf and "listen 127.0.0.1:15055;" in conf
    locations = _locations(conf)
    assert locations["/"] == "published"
    assert ("/webhooks/rest/" in locations) is not publish_rest


def _render(args: list[str]) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "nginx_conf.py"), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="needs nginx (make nginx)")
def test_nginx_accepts_both_layouts(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "tmp").mkdir()
    cluster = _render(
        [
            *["cluster", "--dir", str(tmp_path), "--rasa-port", "15005", "--replicas", "15006"],
            *["--action-port", "15055", "--action-servers", "15056", "--user", "root"],
        ]
    )
    # The compose layout names services only docker's DNS knows: point them here.
    compose = re.sub(
        r"(rasa|actions)-\d:(\d+)", r"127.0.0.1:\2", nginx_conf.render(nginx_conf.compose_layout())
    )
    compose = compose.replace(
        "worker_processes auto;", f"pid {tmp_path}/c.pid;\nworker_processes 1;"
    )
    for name, conf in (("cluster", cluster), ("compose", compose)):
        path = tmp_path / f"{name}.conf"
        path.write_text(conf, encoding="utf8")
        result = subprocess.run(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-t",
                "-p",
                str(tmp_path),
                "-c",
                str(path),
                "-e",
                str(tmp_path / "logs" / "error.log"),
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, (name, result.stderr)
