"""What ships: the wheel built from this checkout holds the package and what it reads at runtime, no test code, and
a production install of it alone (a clean venv, the wheel, nothing from the checkout) migrates and serves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.contracts import REPO_ROOT
from tests.db_servers import free_port

# Test-only code and data that must stay out of the wheel (they live under tests/, contracts/ and graphql/).
FORBIDDEN_PARTS = ("tests/", "testing/", "saleor_double", "conftest", "contract.py", "extract_sandbox_cases")
FORBIDDEN_PREFIXES = ("saleor_asc_app/_bundled/graphql/", "saleor_asc_app/_bundled/webhooks/recorded/", "contracts/")


def _uv() -> str:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        pytest.fail("uv is needed to build and install the wheel (scripts/bootstrap installs it)")
    return uv


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without the project's settings, the checkout's venv or a PYTHONPATH leading back to it."""
    drop = ("ASC_", "VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)} | extra


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(out), str(REPO_ROOT)],
        check=True,
        capture_output=True,
        env=_clean_env(),
        timeout=300,
    )
    (built,) = out.glob("saleor_asc_app-*.whl")
    return built


def test_wheel_holds_no_test_code(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    offending = [
        name for name in names if any(part in name for part in FORBIDDEN_PARTS) or name.startswith(FORBIDDEN_PREFIXES)
    ]
    assert offending == []
    assert all(name.startswith(("saleor_asc_app/", "saleor_asc_app-")) for name in names), "only the package"
    # What runtime reads is there: the webhook subscriptions, the simulator's sandbox cases, the dashboard build.
    assert "saleor_asc_app/_bundled/webhooks/subscriptions/order_bulk_created.graphql" in names
    assert "saleor_asc_app/_bundled/webhooks/subscriptions/fragments/event_metadata.graphql" in names
    assert "saleor_asc_app/simulator/sandbox_cases.json" in names
    assert "saleor_asc_app/static/dashboard/index.html" in names
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    header = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: BSD-3-Clause" in header
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    requirements = [line.split(":", 1)[1].strip() for line in header.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [req for req in requirements if "extra ==" not in req]
    assert not [req for req in runtime if req.startswith(("pytest", "hypothesis"))], runtime


@pytest.fixture(scope="module")
def production_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean venv holding the wheel and its runtime dependencies only; returns its bin directory."""
    venv = tmp_path_factory.mktemp("production") / "venv"
    uv = _uv()
    subprocess.run(
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=_clean_env(), timeout=120
    )
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        env=_clean_env(),
        timeout=600,
    )
    return venv / "bin"


@pytest.fixture
def empty_dir(tmp_path: Path) -> Iterator[Path]:
    """The production commands run from a directory with nothing of the checkout in it."""
    work = tmp_path / "work"
    work.mkdir()
    yield work


def test_production_install_imports_only_itself(production_install: Path, empty_dir: Path) -> None:
    """Every module of the installed package imports without the checkout or the test dependencies."""
    script = (
        "import importlib, pkgutil, sys, saleor_asc_app\n"
        "names = [m.name for m in pkgutil.walk_packages(saleor_asc_app.__path__, 'saleor_asc_app.')]\n"
        "for name in names:\n"
        "    if not name.endswith('__main__'):\n"
        "        importlib.import_module(name)\n"
        "leaked = sorted(n for n in sys.modules if n.split('.')[0] in ('tests', 'pytest'))\n"
        "print(saleor_asc_app.__file__, len(names), leaked)\n"
    )
    result = subprocess.run(
        [str(production_install / "python"), "-c", script],
        cwd=empty_dir,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    location, count, leaked = result.stdout.split(" ", 2)
    assert Path(location).is_relative_to(production_install.parent), location
    assert int(count) > 100
    assert leaked.strip() == "[]"
    with pytest.raises(subprocess.CalledProcessError):  # the double is not shipped
        subprocess.run(
            [str(production_install / "python"), "-c", "import tests.doubles.saleor_double"],
            cwd=empty_dir,
            env=_clean_env(),
            capture_output=True,
            check=True,
            timeout=60,
        )


def test_production_install_migrates_and_serves(production_install: Path, empty_dir: Path) -> None:
    data_dir = empty_dir / "data"
    env = _clean_env(ASC_DATA_DIR=str(data_dir), ASC_LOG_LEVEL="WARNING")
    command = str(production_install / "saleor-asc-app")
    migrated = subprocess.run([command, "migrate"], cwd=empty_dir, env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    assert any(data_dir.iterdir()), "the SQLite database is created in ASC_DATA_DIR"

    port = free_port()
    log = empty_dir / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=empty_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        origin = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"serve exited: {log.read_text()}"
            try:
                health = httpx.get(f"{origin}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, f"serve did not answer in 90 s: {log.read_text()}"
                time.sleep(0.3)
        assert health.status_code == 200
        assert httpx.get(f"{origin}/ready", timeout=10).status_code == 200
        manifest = httpx.get(f"{origin}/api/manifest", timeout=10)
        assert manifest.status_code == 200
        body = manifest.json()
        assert body["tokenTargetUrl"] == f"{origin}/api/register"
        # The subscriptions come from the files bundled in the wheel.
        queries = [hook["query"] for hook in body["webhooks"]]
        assert queries and all("subscription" in query for query in queries)
        assert httpx.get(f"{origin}/dashboard/", timeout=10, follow_redirects=True).status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(30)
