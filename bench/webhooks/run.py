"""Webhook ingestion benchmark: signed webhooks per second through ``saleor-asc-app serve`` on one core.

For each database (SQLite file, then PostgreSQL started with ``scripts/postgres``): migrate, create an installation
directly in the database with a JWKS whose private key only this benchmark holds, start ``saleor-asc-app serve``
(one uvicorn worker, ``--no-worker``: the in-process job worker is off, so the figure is ingestion alone — verify,
store the event, enqueue its job) pinned to core 0, and run ``load.py`` pinned to core 1. Afterwards every 2xx
answer must have left exactly one ``webhook_event`` row and one ``webhook`` job: the "zero lost" check.

    .venv/bin/python bench/webhooks/run.py [--db sqlite postgres] [--seconds 10] [--concurrency 1 4 16 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
API_URL = "https://bench.saleor.test/graphql/"
APP_ID = "QXBwOjE="
SECRET_KEY = "bench-master-key-0123456789abcdef-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def make_key(directory: Path) -> tuple[Path, str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = directory / "saleor-key.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    kid = "bench-key-1"
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig", "alg": "RS256"}
    return path, kid, json.dumps({"keys": [jwk]}, separators=(",", ":"), sort_keys=True)


def app_env(data_dir: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ASC_DATA_DIR": str(data_dir),
        "ASC_DATABASE_URL": database_url,
        "ASC_SECRET_KEY": SECRET_KEY,
        "ASC_APP_URL": "http://127.0.0.1",
    }


def load_app_settings(env: dict[str, str]) -> Any:
    from saleor_asc_app.settings import load_settings

    return load_settings(
        data_dir=Path(env["ASC_DATA_DIR"]), database_url=env["ASC_DATABASE_URL"], secret_key=SECRET_KEY
    )


def migrate(env: dict[str, str]) -> None:
    """``saleor-asc-app migrate``, in this process (one interpreter start fewer than the subprocess)."""
    from saleor_asc_app.db.migrate import upgrade

    upgrade(load_app_settings(env).resolved_database_url)


async def seed_installation(env: dict[str, str], jwks: str) -> None:
    from saleor_asc_app import installations
    from saleor_asc_app.wiring import build_state

    state = build_state(load_app_settings(env))
    try:
        async with state.sessionmaker() as session, session.begin():
            await installations.save(
                session,
                saleor_api_url=API_URL,
                app_id=APP_ID,
                token="bench-app-token",
                jwks=jwks,
                schema_version="3.23",
                box=state.secret_box,
                now=datetime.now(UTC),
            )
    finally:
        await state.aclose()


async def stored_counts(env: dict[str, str], event: str) -> tuple[int, int]:
    from saleor_asc_app.db.models import WebhookEvent
    from saleor_asc_app.jobs.models import Job
    from saleor_asc_app.wiring import build_state

    state = build_state(load_app_settings(env))
    try:
        async with state.sessionmaker() as session:
            events = (
                await session.execute(select(func.count()).select_from(WebhookEvent).where(WebhookEvent.event == event))
            ).scalar_one()
            jobs = (
                await session.execute(select(func.count()).select_from(Job).where(Job.kind == "webhook"))
            ).scalar_one()
    finally:
        await state.aclose()
    return int(events), int(jobs)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to compare runs on a machine whose cores are shared."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # interpreter start-up alone took 25 s on the shared 2-core machine
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become healthy")


def bench_one(db: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from saleor_asc_app.wiring import default_webhook_registry

    definition = next((d for d in default_webhook_registry() if d.handler is not None), None)
    if definition is None:
        raise SystemExit("the app declares no stored (job-processed) webhook to benchmark")
    data_dir = work / db
    data_dir.mkdir()
    pg_dir = work / "pgdata"
    database_url = ""
    if db == "postgres":
        started = subprocess.run(
            [str(ROOT / "scripts/postgres"), "start", str(pg_dir), str(free_port())],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        if started.returncode != 0:
            raise SystemExit(f"scripts/postgres failed: {started.stderr}")
        database_url = started.stdout.strip()
    env = app_env(data_dir, database_url)
    server: subprocess.Popen[bytes] | None = None
    server_cpu = 0.0
    try:
        migrate(env)
        key_path, kid, jwks = make_key(data_dir)
        asyncio.run(seed_installation(env, jwks))
        port = free_port()
        profiler = (
            [str(BIN / "py-spy"), "record", "--format", "raw", "-r", "250", "-o", str(args.profile / f"{db}.txt"), "--"]
            if args.profile
            else []
        )
        server = subprocess.Popen(
            [
                *pinned(0),
                *profiler,
                str(BIN / "saleor-asc-app"),
                "serve",
                "--port",
                str(port),
                "--no-worker",
                "--no-migrate",
            ],
            env={**env, "ASC_LOG_LEVEL": args.log_level},
            stdout=subprocess.DEVNULL,
            stderr=(data_dir / "server.log").open("wb"),
        )
        wait_healthy(port, server)
        cpu_before = cpu_seconds(server.pid)
        load = subprocess.run(
            [
                *pinned(1), str(BIN / "python"), str(Path(__file__).with_name("load.py")),
                "--port", str(port), "--path", definition.path, "--event", definition.header_event,
                "--api-url", API_URL, "--app-id", APP_ID, "--key", str(key_path), "--kid", kid,
                "--seconds", str(args.seconds), "--pool", str(args.pool),
                "--concurrency", *map(str, args.concurrency),
            ],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        levels = [json.loads(line) for line in load.stdout.splitlines() if line.strip()]
        server_cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully; py-spy writes its profile
            server.wait(timeout=60)
    accepted = sum(n for level in levels for s, n in level["statuses"].items() if 200 <= int(s) < 300)
    events, jobs = asyncio.run(stored_counts(env, definition.event))
    if db == "postgres":
        subprocess.run([str(ROOT / "scripts/postgres"), "stop", str(pg_dir)], check=False, capture_output=True)
    return {
        "db": db,
        "endpoint": definition.path,
        "levels": levels,
        "accepted": accepted,
        "stored_events": events,
        "stored_jobs": jobs,
        "lost": accepted - events,
        "server_cpu_ms_per_webhook": round(server_cpu * 1000 / max(1, accepted), 2),
    }


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores (nproc), {model}, Python {platform.python_version()}, load average {load}"


def table(result: dict[str, Any]) -> str:
    rows = [
        f"| {result['db']} | {lv['concurrency']} | {lv['requests']} | {lv['per_second']:.0f} | {lv['p50_ms']} | "
        f"{lv['p99_ms']} | {lv['max_ms']} | {sum(n for s, n in lv['statuses'].items() if not 200 <= int(s) < 300)} |"
        for lv in result["levels"]
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=float, default=10.0, help="per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16, 64])
    parser.add_argument("--pool", type=int, default=2000, help="distinct pre-signed bodies")
    parser.add_argument("--log-level", default="INFO", help="the server's ASC_LOG_LEVEL (production default INFO)")
    parser.add_argument("--profile", type=Path, help="record the server with py-spy into DIR/<db>.txt (collapsed)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        Path(tmp).chmod(0o755)  # scripts/postgres runs the server as the postgres user when we are root
        for db in args.db:
            results.append(bench_one(db, args, Path(tmp)))
    print(f"machine: {machine()}")
    print("| db | concurrency | requests | webhooks/s | p50 ms | p99 ms | max ms | non-2xx |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for result in results:
        print(table(result))
    for result in results:
        print(
            f"{result['db']}: {result['accepted']} accepted, {result['stored_events']} events and "
            f"{result['stored_jobs']} jobs stored, lost {result['lost']}; "
            f"server CPU {result['server_cpu_ms_per_webhook']} ms per webhook"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
    if any(r["lost"] != 0 or r["stored_jobs"] != r["accepted"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
