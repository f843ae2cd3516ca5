"""Memory benchmark: the RSS of ``saleor-asc-app serve`` (with its in-process worker) while it imports a backlog of
Amazon orders, sampled over time.

    .venv/bin/python bench/memory/run.py [--orders 100000] [--interval 1] [--json /tmp/memory.json]

Three processes talk real HTTP on local ports, so only the app is measured:
- the SP-API simulator (``saleor-asc-app simulator``) holding one seller with ``--orders`` importable orders created
  over the ``--spread`` minutes that begin ``--lead`` minutes after it starts (they appear to the app as they fall
  due, so the app starts before its first order and imports them as they come, then works through any backlog),
  its searchOrders limit relaxed (``--rate-limit``) so the import is bound by the app, not
  by Amazon's one call per 180 s (the app's limiter follows the ``x-amzn-RateLimit-Limit`` header it answers with);
- the Saleor double as an HTTP server (``tests.doubles.saleor_double.server``), which keeps every order;
- ``saleor-asc-app serve`` on SQLite, pointed at the simulator with ``ASC_AMAZON_ENDPOINT`` / ``ASC_LWA_TOKEN_URL``,
  installed through the double and configured through the app's own repository (one US connection).

The sampler reads ``VmRSS`` and ``VmHWM`` (the kernel's peak RSS) of the serve process from ``/proc`` every
``--interval`` seconds, and the import's progress from the app's database (read-only). It stops when every order is
in Saleor (or at ``--timeout``) and prints the timeline (RSS per 10 % of the import) and the peak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.reliability.processes import (  # noqa: E402  (the same set-up as the crash-safety suite)
    CLIENT_ID,
    CLIENT_SECRET,
    IMPORTABLE,
    REFRESH_TOKEN,
    SECRET_KEY,
    SELLER_ID,
    US,
    configure,
)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def memory_of(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MiB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def progress(database: Path) -> dict[str, int]:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            rows = connection.execute("SELECT state, count(*) FROM amazon_order GROUP BY state").fetchall()
    except sqlite3.Error:
        return {}
    return {str(state): int(count) for state, count in rows}


def start(argv: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASC_")}
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, env={**base, **(env or {})}, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="asc-memory-"))
    data_dir = work / "data"
    data_dir.mkdir()
    database = data_dir / "app.sqlite3"
    database_url = f"sqlite+aiosqlite:///{database}"
    python = sys.executable
    processes: list[subprocess.Popen[bytes]] = []
    try:
        sim_port, saleor_port, app_port = free_port(), free_port(), free_port()
        simulator_origin = f"http://127.0.0.1:{sim_port}"
        saleor_origin = f"http://127.0.0.1:{saleor_port}"
        app_origin = f"http://127.0.0.1:{app_port}"
        simulator_argv = [
            python, "-m", "saleor_asc_app.cli", "simulator", "--port", str(sim_port), "--seller-id", SELLER_ID,
            "--marketplace", US, "--refresh-token", REFRESH_TOKEN, "--client-id", CLIENT_ID,
            "--client-secret", CLIENT_SECRET, "--orders", str(args.orders), "--seed", "7",
            f"--orders-between={-args.lead:g}:{-(args.lead + args.spread):g}", "--no-pending",
            "--rate-limit", f"searchOrders={args.search_rate}:20",
            *[part for option in IMPORTABLE for part in ("--order-option", option)],
        ]  # fmt: skip
        processes.append(start(simulator_argv, work / "simulator.log"))
        saleor_argv = [python, "-m", "tests.doubles.saleor_double.server", "--port", str(saleor_port),
                       "--simulator-skus", "--pinned-schema-only"]  # fmt: skip
        processes.append(start(saleor_argv, work / "saleor.log"))
        wait_for(f"{simulator_origin}/_simulator/", timeout=600, what="the simulator (generating the orders)")
        wait_for(f"{saleor_origin}/_double/state", timeout=300, what="the Saleor double")
        app_env = {
            "ASC_DATABASE_URL": database_url,
            "ASC_DATA_DIR": str(data_dir),
            "ASC_SECRET_KEY": SECRET_KEY,
            "ASC_APP_URL": app_origin,
            "ASC_LWA_CLIENT_ID": CLIENT_ID,
            "ASC_LWA_CLIENT_SECRET": CLIENT_SECRET,
            "ASC_AMAZON_ENDPOINT": simulator_origin,
            "ASC_LWA_TOKEN_URL": f"{simulator_origin}/auth/o2/token",
            "ASC_LOG_LEVEL": "WARNING",
        }
        app_python = str(args.app_python or python)
        app = start(
            [app_python, "-m", "saleor_asc_app.cli", "serve", "--port", str(app_port)], work / "serve.log", app_env
        )
        processes.append(app)
        wait_for(f"{app_origin}/ready", timeout=300, what="the app")
        baseline_rss, _ = memory_of(app.pid)
        response = httpx.post(
            f"{saleor_origin}/_double/install", json={"manifestUrl": f"{app_origin}/api/manifest"}, timeout=60.0
        )
        assert response.status_code == 200, response.text
        store = httpx.get(f"{saleor_origin}/_double/state", timeout=30.0).json()
        asyncio.run(configure(database_url, data_dir, f"{saleor_origin}/graphql/", store))
        started = time.monotonic()
        load_before = os.getloadavg()
        samples: list[dict[str, Any]] = []
        last_progress = 0.0
        counts: dict[str, int] = {}
        while True:
            elapsed = time.monotonic() - started
            if app.poll() is not None:
                raise RuntimeError(f"serve exited with {app.returncode}; see {work / 'serve.log'}")
            rss, hwm = memory_of(app.pid)
            if elapsed - last_progress >= args.progress_interval or not counts:
                counts = progress(database)
                last_progress = elapsed
            in_saleor = counts.get("imported", 0) + counts.get("shipped", 0)
            samples.append({"t": round(elapsed, 1), "rss_mib": round(rss, 1), "hwm_mib": round(hwm, 1),
                            "stored": sum(counts.values()), "in_saleor": in_saleor})  # fmt: skip
            if in_saleor >= args.orders or elapsed > args.timeout:
                break
            time.sleep(args.interval)
        load_after = os.getloadavg()
        _, peak = memory_of(app.pid)
    finally:
        for process in reversed(processes):
            stop(process)
    timeline = []
    for tenth in range(11):
        target = args.orders * tenth / 10
        sample = next((s for s in samples if s["in_saleor"] >= target), samples[-1])
        timeline.append({"imported_pct": tenth * 10, **sample})
    return {
        "orders": args.orders,
        "imported": samples[-1]["in_saleor"],
        "seconds": samples[-1]["t"],
        "baseline_rss_mib": round(baseline_rss, 1),
        "peak_rss_mib": round(peak, 1),
        "final_rss_mib": samples[-1]["rss_mib"],
        "timeline": timeline,
        "samples": samples,
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in load_after],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "work_dir": str(work),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--lead",
        type=float,
        default=2.0,
        help="orders are created from this many minutes after "
        "the simulator starts generating (so that a slow generation does not push them out of the "
        "first sync window)",
    )
    parser.add_argument("--spread", type=float, default=12.0, help="... over this many minutes")
    parser.add_argument("--search-rate", type=float, default=20.0, help="searchOrders calls per second allowed")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between RSS samples")
    parser.add_argument("--progress-interval", type=float, default=5.0, help="seconds between progress reads")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument(
        "--app-python",
        type=Path,
        help="interpreter of the venv that runs serve (e.g. a production install without the dev extras)",
    )
    parser.add_argument("--json", type=Path, help="write the full result (every sample) here")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    for key, value in result.items():
        if key not in ("timeline", "samples"):
            print(f"{key:20} {value}")
    print(f"{'imported %':>10} {'t s':>8} {'RSS MiB':>8} {'peak MiB':>8} {'stored':>8} {'in Saleor':>9}")
    for row in result["timeline"]:
        print(f"{row['imported_pct']:>10} {row['t']:>8} {row['rss_mib']:>8} {row['hwm_mib']:>8} "
              f"{row['stored']:>8} {row['in_saleor']:>9}")  # fmt: skip
    return 0 if result["imported"] >= result["orders"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
