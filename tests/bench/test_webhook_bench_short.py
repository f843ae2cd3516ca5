"""The short form of the webhook ingestion benchmark (``bench/webhooks/run.py``): a real ``saleor-asc-app serve``
process on SQLite, loaded from a separate process with signed webhooks over HTTP. It checks that nothing
accepted is lost and that nothing is refused; it makes no speed assertion (the machine's cores are shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_short_webhook_benchmark_loses_nothing(tmp_path: Path) -> None:
    out = tmp_path / "webhooks.json"
    run = subprocess.run(
        [
            sys.executable, str(ROOT / "bench/webhooks/run.py"),
            "--db", "sqlite", "--seconds", "3", "--concurrency", "4", "--pool", "300", "--json", str(out),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    [result] = json.loads(out.read_text())["results"]
    [level] = result["levels"]
    assert level["requests"] > 0 and level["errors"] == 0
    assert set(level["statuses"]) == {"200"}, level["statuses"]
    assert result["accepted"] == level["requests"]
    assert result["lost"] == 0
    assert result["stored_events"] == result["stored_jobs"] == result["accepted"]
