"""The command line as an operator meets it, run as real subprocesses: an unreachable database or a busy port is
one clear line and a non-zero exit (no traceback, no password); the data directory and the SQLite file are private
whichever command creates them; ``--version`` answers."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import saleor_asc_app

PASSWORD = "pw-not-to-be-shown"


def cli_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASC_")}
    env.update(settings)
    return env


def run_cli(cwd: Path, *args: str, timeout: float = 120, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saleor_asc_app", *args],
        cwd=cwd,
        env=cli_env(**settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", ["migrate", "worker", "serve"])
def test_unreachable_postgresql_is_one_line_naming_the_host(tmp_path: Path, closed_port: int, command: str) -> None:
    args = [command] if command != "serve" else [command, "--port", "0"]
    url = f"postgresql+asyncpg://asc:{PASSWORD}@127.0.0.1:{closed_port}/asc"
    result = run_cli(tmp_path, *args, ASC_DATABASE_URL=url, ASC_SECRET_KEY="k" * 40)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert PASSWORD not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot connect to PostgreSQL at 127.0.0.1:")
    assert str(closed_port) in lines[0] and "ASC_DATABASE_URL" in lines[0]
    assert "startup complete" not in result.stdout + result.stderr


def test_serve_on_a_busy_port_says_so_before_starting(tmp_path: Path, busy_port: int) -> None:
    result = run_cli(tmp_path, "serve", "--port", str(busy_port))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "startup complete" not in output
    assert f"error: cannot listen on 127.0.0.1:{busy_port}: the port is already in use" in result.stderr


def test_migrate_alone_creates_a_private_data_directory_and_database(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    data = tmp_path / "data"
    assert mode(data) == 0o700
    assert mode(data / "saleor-asc-app.sqlite3") == 0o600


def test_serve_alone_creates_a_private_data_directory_and_database(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "saleor_asc_app", "serve", "--port", "0", "--no-worker"],
        cwd=tmp_path,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "Application startup complete" in line:
                break
        assert any("Application startup complete" in line for line in seen), "".join(seen)
        data = tmp_path / "data"
        assert mode(data) == 0o700
        files = sorted(data.iterdir())
        assert data / "saleor-asc-app.sqlite3" in files
        for path in files:  # the database, its -wal/-shm files and the generated secret key
            assert mode(path) == 0o600, path
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "saleor_asc_app", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"saleor-asc-app, version {saleor_asc_app.__version__}"


@pytest.mark.parametrize(
    "args", [["worker"], ["serve", "--no-migrate", "--port", "0"], ["rotate-keys"], ["import", "--since", "2026-01-01"]]
)
def test_commands_on_a_database_never_migrated_say_to_migrate(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(tmp_path, *args, ASC_SECRET_KEY="k" * 40)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: the SQLite database {tmp_path / 'data' / 'saleor-asc-app.sqlite3'} has no tables yet: "
        "run `saleor-asc-app migrate` first."
    ]
    data = tmp_path / "data"
    assert (mode(data), mode(data / "saleor-asc-app.sqlite3")) == (0o700, 0o600)
