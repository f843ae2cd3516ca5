"""The freshness benchmark's short form (``bench/push/run.py``): 50 orders arriving at the simulator while it
duplicates, delays and reorders its notifications; the app (a real ``serve`` process) reads them from moto's SQS
server. Asserts what may not vary with the machine: nothing lost, nothing duplicated, at most 1.1 order-reading
Amazon calls per imported order. Freshness is reported, not asserted (bench/README.md has the full run)."""

from __future__ import annotations

from pathlib import Path

from bench.push.run import run


def test_push_imports_every_order_once_with_about_one_amazon_call_each(tmp_path: Path) -> None:
    delivery = ("--notify-duplicates", "0.3", "--notify-jitter", "2", "--notify-reorder")
    result = run(orders=50, rate=2.0, modes=("push",), delivery=delivery, work=tmp_path / "bench")

    (push,) = result["modes"]
    assert push["orders"] == 50
    assert (push["lost"], push["duplicated"], push["foreign"]) == (0, 0, 0), push
    assert push["calls_by_operation"].get("getOrder", 0) >= 50, push  # push brought them, one getOrder each
    assert push["calls_per_order"] <= 1.1, push
