"""Throughput of the scale-out cluster (two Rasa replicas) against one replica, in the same run.

``make bench-cluster`` (or ``.venv/bin/python bench/cluster.py``) starts
``scripts/cluster.sh`` twice per run on free ports: once with one Rasa replica
and one action server, once with two of each. Both go through nginx, the
PostgreSQL tracker store (a fresh database each time, dropped afterwards) and
the Redis lock store, so the number of replicas is the only difference. Each
serves the existing ``models/scalp-care.tar.gz``.

For each: a warm-up (every replica answers a few messages), then 10 and 50
concurrent conversations over the REST channel through the balancer, each
conversation waiting for every reply before its next message (the scripts of
``bench/run.py``); messages per second and latency percentiles. ``--repeat N``
(or ``BENCH_REPEAT``; default 2) alternates which variant goes first and
reports medians. Results go to ``bench/results/cluster-<timestamp>.json``.

The machine is shared and small: on 2 cores two replicas compete with each
other, PostgreSQL, the action servers and the load generator, so do not expect
twice the throughput of one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.run import (
    MODEL,
    OUR_CONVERSATIONS,
    REQUEST_TIMEOUT_S,
    RESULTS_DIR,
    ROOT,
    START_TIMEOUT_S,
    Client,
    _user,
    free_port,
    http_json,
    latency_summary,
    lookup,
    median_results,
    ratio,
)

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
VARIANTS = {"one_replica": 1, "two_replicas": 2}
ROWS = (
    ("10 conversations throughput", ("users_10", "throughput_msg_s"), "msg/s"),
    ("10 conversations p50", ("users_10", "p50_ms"), "ms"),
    ("10 conversations p95", ("users_10", "p95_ms"), "ms"),
    ("50 conversations throughput", ("users_50", "throughput_msg_s"), "msg/s"),
    ("50 conversations p50", ("users_50", "p50_ms"), "ms"),
    ("50 conversations p95", ("users_50", "p95_ms"), "ms"),
    ("start-up (script -> every replica ready)", ("startup_s",), "s"),
    ("errors (non-200 or no reply)", ("errors",), ""),
)


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Yield the URL of a new PostgreSQL database name; drop the database afterwards.

    ``scripts/cluster.sh`` creates it (``scripts/ensure_databases.py``).
    """
    import sqlalchemy as sa
    from sqlalchemy.engine.url import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@contextmanager
def running_cluster(replicas: int, workdir: Path) -> Iterator[tuple[str, float]]:
    """Start scripts/cluster.sh with ``replicas`` replicas; yield (balancer URL, start-up s)."""
    rasa_port = free_port()
    replica_ports = [free_port() for _ in range(replicas)]
    folder = workdir / f"cluster-{replicas}-{rasa_port}"
    folder.mkdir()
    with fresh_database("bench_tracker") as tracker, fresh_database("bench_salon") as salon:
        env = {
            **os.environ,
            "RASA_PORT": str(rasa_port),
            "ACTION_PORT": str(free_port()),
            "RASA_REPLICA_PORTS": " ".join(map(str, replica_ports)),
            "ACTION_REPLICA_PORTS": " ".join(str(free_port()) for _ in range(replicas)),
            "WEB_PORT": "0",
            "CLUSTER_DIR": str(folder),
            "CLUSTER_TRACKER_DB_URL": tracker,
            "CLUSTER_SALON_DB_URL": salon,
            "MODEL": str(MODEL),
            "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
        env.pop("RASA_API_TOKEN", None)
        # The load comes through the REST channel, from one address, faster than a person.
        env.update(
            PUBLISH_REST="1",
            RATE_LIMIT_ADDRESS_PER_MINUTE="1000000",
            RATE_LIMIT_SENDER_BURST="1000000",
            RATE_LIMIT_SENDER_PER_MINUTE="1000000",
            RATE_LIMIT_ADDRESS_BURST="1000000",
            API_TOKEN_FILE=str(folder / "api-token"),
        )
        log_path = folder / "cluster.log"
        started = time.monotonic()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(ROOT / "scripts" / "cluster.sh")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            pending = set(replica_ports)
            while pending:
                if process.poll() is not None:
                    raise RuntimeError(f"cluster.sh exited during start-up; log: {log_path}")
                for port in sorted(pending):
                    try:
                        if http_json(f"http://127.0.0.1:{port}/status").get("model_file"):
                            pending.discard(port)
                    except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                        pass
                if time.monotonic() - started > START_TIMEOUT_S:
                    raise RuntimeError(f"cluster not ready in {START_TIMEOUT_S}s; see {folder}")
                time.sleep(0.5)
            yield f"http://127.0.0.1:{rasa_port}", round(time.monotonic() - started, 1)
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


async def measure(base_url: str, replicas: int, each_10: int, each_50: int) -> dict[str, Any]:
    """Warm every replica up, then 10 and 50 concurrent conversations; msg/s and latencies."""
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        client = Client(f"{base_url}/webhooks/rest/webhook", session)
        # Round robin: 2 x replicas conversations at once reach every replica.
        await asyncio.gather(
            *(_user(client, OUR_CONVERSATIONS, n, 6, "warmup") for n in range(2 * replicas))
        )
        client.errors = 0
        results: dict[str, Any] = {}
        for users, each in ((10, each_10), (50, each_50)):
            load = os.getloadavg()[0]
            started = time.perf_counter()
            per_user = await asyncio.gather(
                *(_user(client, OUR_CONVERSATIONS, n, each, f"c{users}") for n in range(users))
            )
            wall = time.perf_counter() - started
            latencies = [value for user in per_user for value in user]
            summary: dict[str, Any] = latency_summary(latencies)
            summary["throughput_msg_s"] = round(len(latencies) / wall, 2)
            summary["load_average_before"] = round(load, 2)
            results[f"users_{users}"] = summary
        results["errors"] = client.errors
    return results


def format_table(medians: dict[str, dict[str, Any]]) -> str:
    """The medians side by side, with two replicas / one replica."""
    one, two = medians["one_replica"], medians["two_replicas"]
    lines = [f"{'':42} {'1 replica':>10} {'2 replicas':>11} {'2 / 1':>7}"]
    for label, path, unit in ROWS:
        a, b = lookup(one, path), lookup(two, path)
        r = ratio(b, a) if unit else None
        cells = ["-" if v is None else str(v) for v in (a, b, r)]
        lines.append(
            f"{label + (f' ({unit})' if unit else ''):42} {cells[0]:>10} "
            f"{cells[1]:>11} {cells[2]:>7}"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "2")))
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
        help="fewer messages per conversation (also BENCH_QUICK=1)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; write the JSON, print the table."""
    args = parse_args(argv)
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train` first", file=sys.stderr)
        return 2
    each_10, each_50 = (4, 2) if args.quick else (12, 6)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    workdir = Path(tempfile.mkdtemp(prefix="scalp-care-bench-cluster-"))
    runs: list[dict[str, Any]] = []
    try:
        for number in range(args.repeat):
            order = list(VARIANTS.items())
            if number % 2:
                order.reverse()  # neither always runs on a warmer machine
            run: dict[str, Any] = {}
            for name, replicas in order:
                print(f"[bench] run {number + 1}/{args.repeat}: {name} ...", flush=True)
                with running_cluster(replicas, workdir) as (base_url, startup_s):
                    print(f"[bench] ready in {startup_s}s; sending messages ...", flush=True)
                    run[name] = asyncio.run(measure(base_url, replicas, each_10, each_50))
                    run[name]["startup_s"] = startup_s
                print(f"[bench] {name}: {json.dumps(run[name])}", flush=True)
            runs.append(run)
            medians = {name: median_results([r[name] for r in runs]) for name in VARIANTS}
            document = {
                "timestamp": stamp,
                "machine": {
                    "cpus": os.cpu_count(),
                    "load_average": [round(v, 2) for v in os.getloadavg()],
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "settings": {
                    "repeat": args.repeat,
                    "users_10_messages_each": each_10,
                    "users_50_messages_each": each_50,
                    "layout": "scripts/cluster.sh: nginx, PostgreSQL tracker store, Redis lock "
                    "store; N Rasa replicas and N action servers",
                },
                "median": medians,
                "ratios_two_over_one": {
                    label: ratio(
                        lookup(medians["two_replicas"], path), lookup(medians["one_replica"], path)
                    )
                    for label, path, unit in ROWS
                    if unit
                },
                "runs": runs,
            }
            args.out.mkdir(parents=True, exist_ok=True)
            path = args.out / f"cluster-{stamp}.json"
            path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        title = f"medians of {len(runs)} run(s)" if len(runs) > 1 else "one run"
        print(
            f"\nTwo replicas vs one, behind nginx with PostgreSQL and Redis ({title}; "
            f"10x{each_10}, 50x{each_50} messages; {os.cpu_count()} CPUs)\n"
        )
        print(format_table(medians))
        print(f"\nWritten to {path}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
