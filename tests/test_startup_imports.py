"""`serve` builds its app without the modules only some requests need: their memory (about 10 MiB, bench/README.md,
"Memory") would otherwise stay in every serving process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, sys
from saleor_asc_app.app import create_app
from saleor_asc_app.cli import main
from saleor_asc_app.settings import load_settings

settings = load_settings(
    database_url=sys.argv[1],
    secret_key="startup-imports-key-0123456789abcdef-012345",
    lwa_client_id="amzn1.application-oa2-client.startup",  # Amazon, not demo mode: demo mode runs the simulator
    lwa_client_secret="startup-imports-lwa-secret",
)
create_app(settings, run_worker=True)
print(json.dumps(sorted(sys.modules)))
"""

# Loaded on first use: the dashboard API's schema (strawberry), the SP-API simulator (demo mode only) and jsonschema
# (the simulator's request checks), Alembic (migrations run in a forked child), aiobotocore (push with a queue only).
NOT_AT_START = ("strawberry", "saleor_asc_app.simulator", "jsonschema", "alembic", "aiobotocore", "botocore")


def test_serve_builds_its_app_without_the_modules_loaded_on_first_use(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASC_")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    modules: list[str] = json.loads(result.stdout.splitlines()[-1])
    assert "saleor_asc_app.dashboard.api" in modules  # the route is there; its schema is not
    loaded = sorted(m for m in modules if m.split(".")[0] in NOT_AT_START or m.startswith(NOT_AT_START))
    assert loaded == []
