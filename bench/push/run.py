"""Freshness benchmark (issue 18): how long after an order appears at Amazon its Saleor order exists, with push
(Amazon's ORDER_CHANGE through an SQS queue) and with polling only, in real time.

    .venv/bin/python bench/push/run.py [--orders 1000] [--rate 0.4] [--modes push,polling] [--json /tmp/push.json]

Each mode runs its own processes, talking real HTTP on local ports (as ``bench/memory/run.py``):
- the SP-API simulator (``saleor-asc-app simulator``) with one seller and Amazon's own usage plans from the models
  (searchOrders 0.0056/s burst 20, getOrder 0.5/s burst 30 — nothing relaxed); with push it delivers its
  notifications to a queue of moto's SQS server (``--sqs-endpoint``);
- the Saleor double as an HTTP server (``tests.doubles.saleor_double.server``), which records when it stored each order;
- ``saleor-asc-app serve`` (in-process worker and SQS consumer) on SQLite, installed through the double and
  configured through the app's own repository (one US connection); with push ``ASC_PUSH_QUEUE_URL`` is set.

Orders arrive as a Poisson process (``--rate`` per second, ``--seed``): each is created at the simulator through its
admin API at that moment, unshipped and importable. Freshness of an order = the moment the double stored its Saleor
order − the moment the benchmark created it at the simulator. Amazon calls are counted by the simulator per
operation (answered and throttled); "calls per order" = order-reading calls (searchOrders, getOrder, 429s included)
per imported order. An order is lost when it is not in Saleor ``--settle`` seconds after the last arrival
(polling: plus two searchOrders intervals), duplicated when two Saleor orders carry its reference.

``--polling-orders`` limits the polling run to the first N arrivals of the same process (polling's freshness is
minutes whatever N is). ``--together`` runs the modes at the same time (each on its own processes) instead of one
after the other. The short form (``tests/bench/test_push_bench_short.py``) runs push with 50 orders.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.db_servers import free_port  # noqa: E402
from tests.push.sqs_server import CREDENTIALS, SqsServer, create_queue, start_server  # noqa: E402
from tests.reliability.processes import (  # noqa: E402  (the same set-up as the reliability suites)
    CLIENT_ID,
    CLIENT_SECRET,
    IMPORTABLE,
    REFRESH_TOKEN,
    SECRET_KEY,
    SELLER_ID,
    US,
    Services,
    answers,
    configure,
    python_module,
    start_saleor,
    wait_for,
)

ORDER_CALLS = ("searchOrders", "getOrder")
SEARCH_INTERVAL = 1 / 0.0056  # searchOrders' sustained interval in Amazon's model


def arrivals(orders: int, rate: float, seed: int) -> list[float]:
    """Offsets in seconds of a Poisson process with ``rate`` arrivals per second."""
    rng = random.Random(seed)
    offsets, t = [], 0.0
    for _ in range(orders):
        t += rng.expovariate(rate)
        offsets.append(t)
    return offsets


def order_body(seed: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    shares = {k: float(v) for k, v in (option.split("=") for option in IMPORTABLE)}
    return {
        "count": 1,
        "seed": seed,
        "start": (now - timedelta(seconds=1)).isoformat(),
        "end": now.isoformat(),
        "noPending": True,
        **{"".join(p.capitalize() if i else p for i, p in enumerate(k.split("_"))): v for k, v in shares.items()},
    }


def subscribed(database: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            row = connection.execute(
                "SELECT count(*) FROM push_subscription"
                " WHERE notification_type = 'ORDER_CHANGE' AND subscribed_at IS NOT NULL"
            ).fetchone()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_mode(
    mode: str, offsets: list[float], work: Path, sqs: SqsServer | None, settle: float, delivery: tuple[str, ...] = ()
) -> dict[str, Any]:
    work.mkdir(parents=True)
    data_dir = work / "data"
    data_dir.mkdir()
    database = data_dir / "app.sqlite3"
    database_url = f"sqlite+aiosqlite:///{database}"
    services = Services(work)
    try:
        sim_port, app_port = free_port(), free_port()
        simulator_origin, app_origin = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{app_port}"
        push_env: dict[str, str] = {}
        simulator_args = [
            "simulator", "--port", str(sim_port), "--seller-id", SELLER_ID, "--marketplace", US,
            "--refresh-token", REFRESH_TOKEN, "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
            "--orders", "0",
        ]  # fmt: skip
        if mode == "push":
            assert sqs is not None
            queue = asyncio.run(create_queue(sqs.endpoint))
            simulator_args += ["--sqs-endpoint", sqs.endpoint, *delivery]
            push_env = {"ASC_PUSH_QUEUE_URL": queue.url, "ASC_PUSH_SQS_ENDPOINT": sqs.endpoint, **CREDENTIALS}
        simulator = services.add("simulator", python_module("saleor_asc_app.cli", *simulator_args), CREDENTIALS)
        simulator.start()
        saleor = start_saleor(services)
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
            **push_env,
        }
        app = services.add("serve", python_module("saleor_asc_app.cli", "serve", "--port", str(app_port)), app_env)
        app.start()
        wait_for(lambda: answers(f"{simulator_origin}/_simulator/"), timeout=300, what="the simulator")
        saleor.wait_up()
        wait_for(lambda: answers(f"{app_origin}/ready"), timeout=300, what="the app")
        saleor.install(f"{app_origin}/api/manifest")
        asyncio.run(configure(database_url, data_dir, saleor.api_url, saleor.state()))
        if mode == "push":
            wait_for(lambda: subscribed(database), timeout=120, what="the ORDER_CHANGE subscription")
        load_before = os.getloadavg()
        created: dict[str, float] = {}
        started = time.time()
        with httpx.Client(timeout=30.0) as client:
            for i, offset in enumerate(offsets):
                time.sleep(max(0.0, started + offset - time.time()))
                moment = time.time()
                answer = client.post(f"{simulator_origin}/_simulator/sellers/{SELLER_ID}/orders", json=order_body(i))
                assert answer.status_code == 201, answer.text
                created[str(answer.json()["orderIds"][0])] = moment
        last_arrival = time.time()
        deadline = last_arrival + settle + (2 * SEARCH_INTERVAL if mode == "polling" else 0.0)
        while time.time() < deadline:
            if set(created) <= set(saleor.orders_by_reference()):
                break
            time.sleep(1.0)
        settled = time.time()
        load_after = os.getloadavg()
        state = saleor.state()
        stats = httpx.get(f"{simulator_origin}/_simulator/", timeout=10.0).json()["stats"]
    finally:
        services.close()
    references = Counter(str(o["externalReference"]) for o in state["orders"] if o["externalReference"])
    in_saleor = {
        str(o["externalReference"]): datetime.fromisoformat(o["storedAt"]).timestamp()
        for o in state["orders"]
        if o["externalReference"] and o["storedAt"]
    }
    freshness = [in_saleor[order_id] - moment for order_id, moment in created.items() if order_id in in_saleor]
    imported = sum(1 for order_id in created if order_id in in_saleor)
    requests, throttled = stats["requests"], stats["throttled"]
    order_calls = sum(requests.get(op, 0) + throttled.get(op, 0) for op in ORDER_CALLS)
    return {
        "mode": mode,
        "orders": len(created),
        "imported": imported,
        "lost": len(created) - imported,
        "duplicated": sum(1 for order_id in created if references[order_id] > 1),
        "foreign": sum(1 for reference in references if reference not in created),
        "freshness_s": {
            "p50": round(statistics.median(freshness), 2) if freshness else None,
            "p95": round(percentile(freshness, 0.95), 2) if freshness else None,
            "max": round(max(freshness), 2) if freshness else None,
            "min": round(min(freshness), 2) if freshness else None,
        },
        "calls_by_operation": {op: requests.get(op, 0) for op in sorted(requests)},
        "throttled_by_operation": dict(throttled),
        "order_calls": order_calls,
        "calls_per_order": round(order_calls / imported, 3) if imported else None,
        "lwa_requests": stats.get("lwaRequests"),
        "arrival_seconds": round(last_arrival - started, 1),
        "settle_seconds": round(settled - last_arrival, 1),
        "load_before": [round(v, 2) for v in load_before],
        "load_after": [round(v, 2) for v in load_after],
        "work_dir": str(work),
    }


def run(
    *,
    orders: int,
    rate: float,
    seed: int = 1,
    modes: tuple[str, ...] = ("push", "polling"),
    polling_orders: int | None = None,
    together: bool = False,
    settle: float = 60.0,
    delivery: tuple[str, ...] = (),
    work: Path | None = None,
) -> dict[str, Any]:
    """``delivery``: the simulator's ``--notify-*`` options (duplicated, delayed, reordered notifications)."""
    work = work or Path(tempfile.mkdtemp(prefix="asc-push-bench-"))
    for name, value in CREDENTIALS.items():  # moto accepts any; real AWS credentials are never needed
        os.environ.setdefault(name, value)
    offsets = arrivals(orders, rate, seed)
    sqs = start_server() if "push" in modes else None
    results: dict[str, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def one(mode: str) -> None:
        count = polling_orders if mode == "polling" and polling_orders else orders
        try:
            results[mode] = run_mode(mode, offsets[:count], work / mode, sqs, settle, delivery)
        except BaseException as exc:  # reported after every mode ended
            errors.append(exc)

    try:
        if together:
            threads = [threading.Thread(target=one, args=(mode,)) for mode in modes]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for mode in modes:
                one(mode)
    finally:
        if sqs is not None:
            sqs.stop()
    if errors:
        raise errors[0]
    return {
        "rate_per_s": rate,
        "seed": seed,
        "together": together,
        "delivery": list(delivery),
        "modes": [results[mode] for mode in modes],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0.4, help="mean arrivals per second (Poisson)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default="push,polling", help="comma-separated: push, polling")
    parser.add_argument("--polling-orders", type=int, help="polling runs only the first N arrivals")
    parser.add_argument("--together", action="store_true", help="run the modes at the same time")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds after the last arrival before 'lost'")
    parser.add_argument("--notify-duplicates", type=float, default=0.0, help="share of notifications sent twice")
    parser.add_argument("--notify-jitter", type=float, default=0.0, help="notifications delayed up to this (s)")
    parser.add_argument("--notify-reorder", action="store_true", help="due notifications sent shuffled")
    parser.add_argument("--json", type=Path, help="write the result here")
    args = parser.parse_args(argv)
    result = run(
        orders=args.orders,
        rate=args.rate,
        seed=args.seed,
        modes=tuple(m.strip() for m in args.modes.split(",") if m.strip()),
        polling_orders=args.polling_orders,
        together=args.together,
        settle=args.settle,
        delivery=(
            "--notify-duplicates",
            str(args.notify_duplicates),
            "--notify-jitter",
            str(args.notify_jitter),
            *(["--notify-reorder"] if args.notify_reorder else []),
        ),
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0 if all(m["lost"] == 0 and m["duplicated"] == 0 for m in result["modes"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
