"""A real Saleor core on loopback, built from a source archive or directory: a Python 3.12 venv (cached between
runs, keyed by the archive's sha256), its own database in a PostgreSQL cluster, Redis as Celery's broker, a Celery
worker (asynchronous webhooks and ``appInstall`` run there), migrations, a staff superuser and the uvicorn server.

Used by the end-to-end suite (``tests/e2e/``) and by ``scripts/saleor-core`` (stands one up for manual work).
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.db_servers import free_port

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "saleor-asc-app" / "saleor-core"
STAFF_EMAIL = "e2e.admin@example.com"


def log(message: str) -> None:
    print(f"[saleor-core] {message}", file=sys.stderr, flush=True)


def find_python312() -> str:
    """Saleor 3.23 requires Python >=3.12,<3.13."""
    candidates = [os.environ.get("ASC_E2E_PYTHON", ""), shutil.which("python3.12") or ""]
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.12*/bin/python3.12")), reverse=True)
    candidates += sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python3.12"), reverse=True)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("Saleor needs Python 3.12: put python3.12 on PATH or set ASC_E2E_PYTHON")


def source_key(source: Path) -> str:
    """The cache key: the archive's sha256 (a directory: the hash of its pyproject.toml and path)."""
    digest = hashlib.sha256()
    if source.is_dir():
        digest.update(str(source.resolve()).encode())
        digest.update((source / "pyproject.toml").read_bytes())
    else:
        with source.open("rb") as archive:
            for chunk in iter(lambda: archive.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _project_dir(build: Path) -> Path:
    found = sorted(p.parent for p in build.glob("*/pyproject.toml") if (p.parent / "manage.py").exists())
    if not found:
        raise RuntimeError(f"no Saleor project (manage.py + pyproject.toml) in {build}")
    return found[0]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@dataclass(frozen=True)
class Build:
    project: Path  # Saleor's source tree (manage.py)
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def prepare(source: Path) -> Build:
    """The venv with Saleor installed, built once per archive (``pip install .``, 3-4 minutes cold)."""
    build = CACHE / source_key(source)
    with _locked(build / ".lock"):
        if source.is_dir():
            project = source.resolve()
        else:
            if not any(build.glob("*/manage.py")):
                log(f"extracting {source.name}")
                with tarfile.open(source) as archive:
                    archive.extractall(build, filter="data")
            project = _project_dir(build)
        venv = build / "venv"
        if (build / "ready").exists():
            return Build(project, venv)
        started = time.monotonic()
        log(f"building Saleor's venv in {venv} (pip install, a few minutes; cached afterwards)")
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([find_python312(), "-m", "venv", str(venv)], check=True)
        _install(venv, project, build)
        (build / "ready").write_text(f"built in {time.monotonic() - started:.0f} s\n")
        log(f"Saleor's venv built in {time.monotonic() - started:.0f} s")
        return Build(project, venv)


def _install(venv: Path, project: Path, build: Path) -> None:
    """Saleor's locked dependencies (``uv.lock``, exported by uv from PyPI), then Saleor itself without resolving:
    a plain ``pip install .`` backtracks for a long time over celery/kombu/redis ranges."""
    pip = [str(venv / "bin/pip"), "install", "-q"]
    log_path = build / "pip.log"
    requirements = build / "requirements.lock.txt"
    dev_requirements = build / "requirements-dev.lock.txt"
    with log_path.open("w") as out:

        def run(argv: list[str], **kwargs: Any) -> None:
            if subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, **kwargs).returncode != 0:
                raise RuntimeError(f"installing Saleor failed at {argv[:3]}; see {log_path}")

        if (project / "uv.lock").exists():
            run([*pip, "uv"])
            uv_export = [str(venv / "bin/uv"), "export", "--frozen", "--no-hashes", "--no-emit-project"]
            run([*uv_export, "--no-dev", "-o", str(requirements)], cwd=project)
            # Saleor imports two things its runtime lock lacks: pytest (its webhook plugin imports test fixtures
            # through saleor/core/utils/random_data.py) and pkg_resources (setuptools, imported by razorpay): add
            # them at the versions of Saleor's development lock.
            run([*uv_export, "--only-dev", "-o", str(dev_requirements)], cwd=project)
            missing = ("pytest==", "pluggy==", "iniconfig==", "setuptools==")
            dev_pins = [line for line in dev_requirements.read_text().splitlines() if line.startswith(missing)]
            requirements.write_text(requirements.read_text() + "\n".join(dev_pins) + "\n")
            run([*pip, "-r", str(requirements)])
            run([*pip, "--no-deps", str(project)])
        else:
            run([*pip, str(project)])


def find_redis_server() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() == 0:
        log("redis-server not found; installing it from Debian")
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-qq", "redis-server"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("redis-server not found (install Debian's redis-server package)")
    return found


def _rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Child:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)


@dataclass
class SaleorCore:
    """A running Saleor: ``origin`` (``api_url`` is its GraphQL endpoint), the staff superuser's credentials,
    the processes and the log files (``logs``), and the DSN of its database (for the canary scan)."""

    build: Build
    directory: Path
    database_dsn: str
    origin: str = ""
    staff_email: str = STAFF_EMAIL
    staff_password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)
    children: list[Child] = field(default_factory=list, repr=False)
    _env: dict[str, str] = field(default_factory=dict, repr=False)  # holds Saleor's keys: never printed

    @property
    def api_url(self) -> str:
        return f"{self.origin}/graphql/"

    @property
    def log_files(self) -> list[Path]:
        return [child.log_path for child in self.children] + sorted(self.directory.glob("manage-*.log"))

    def _spawn(self, name: str, argv: list[str]) -> Child:
        log_path = self.directory / f"{name}.log"
        with log_path.open("ab") as out:
            popen = subprocess.Popen(
                argv,
                cwd=self.build.project,
                env=self._env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        child = Child(name, popen, log_path)
        self.children.append(child)
        return child

    def manage(self, *args: str, stdin: str | None = None) -> None:
        log_path = self.directory / f"manage-{args[0]}.log"
        with log_path.open("ab") as out:
            result = subprocess.run(
                [str(self.build.bin / "python"), "manage.py", *args],
                cwd=self.build.project,
                env=self._env,
                input=stdin.encode() if stdin is not None else None,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if result.returncode != 0:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"manage.py {args[0]} failed:\n{tail}")

    def create_staff(self, email: str, password: str, *, superuser: bool = False) -> None:
        """A staff user who can sign in (Saleor's API only invites staff by e-mail; the password comes from the
        environment, never the command line); an existing one gets the new password."""
        script = (
            "import os; from saleor.account.models import User; "
            "env = os.environ; e, p, s = env['E2E_STAFF_EMAIL'], env['E2E_STAFF_PASSWORD'], env['E2E_SUPER'] == '1'; "
            "u = User.objects.filter(email=e).first() or User(email=e); "
            "u.is_staff = u.is_active = True; u.is_superuser = u.is_superuser or s; u.set_password(p); u.save()"
        )
        saved = self._env
        self._env = saved | {"E2E_STAFF_EMAIL": email, "E2E_STAFF_PASSWORD": password, "E2E_SUPER": str(int(superuser))}
        try:
            self.manage("shell", "-c", script)
        finally:
            self._env = saved

    def _migrate(self) -> None:
        """Saleor's migrations take minutes on a busy machine: the first run keeps a dump of the freshly migrated
        database next to the venv (keyed by the source like the venv), later runs restore it."""
        dump = self.build.venv.parent / "migrated.pgdump"
        dsn = self.database_dsn.replace("postgres://", "postgresql://")
        if dump.exists():
            log("restoring the migrated database from the cache")
            restore = ["pg_restore", "--no-owner", "--single-transaction", "-d", dsn, str(dump)]
            result = subprocess.run(restore, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"pg_restore of {dump} failed: {result.stderr[-2000:]}")
            return  # the dump sits in this source's cache directory: made by these very migrations
        log("migrating Saleor's database (cached for later runs)")
        self.manage("migrate", "--no-input")
        partial = dump.with_suffix(".partial")
        subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(partial), dsn], check=True)
        partial.replace(dump)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        port, redis_port = free_port(), free_port()
        self.origin = f"http://127.0.0.1:{port}"
        self._env = {
            "PATH": f"{self.build.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "RSA_PRIVATE_KEY": _rsa_private_key_pem(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ALLOWED_CLIENT_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_dsn,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
            "PUBLIC_URL": f"{self.origin}/",
            "HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS": "True",
            "PLAYGROUND_ENABLED": "False",
        }
        redis = self._spawn(
            "redis",
            [find_redis_server(), "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        started = time.monotonic()
        self._migrate()
        log(f"migrated in {time.monotonic() - started:.0f} s")
        self.create_staff(self.staff_email, self.staff_password, superuser=True)
        assert redis.alive(), f"redis exited:\n{redis.tail()}"
        self._spawn(
            "celery",
            [
                str(self.build.bin / "celery"),
                "--app=saleor.celeryconf:app",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        uvicorn = self._spawn(
            "uvicorn",
            [str(self.build.bin / "uvicorn"), "saleor.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert uvicorn.alive(), f"Saleor's server exited:\n{uvicorn.tail()}"
            try:
                response = httpx.post(self.api_url, json={"query": "{ shop { name } }"}, timeout=5)
                if response.status_code == 200 and response.json().get("data"):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise TimeoutError(f"Saleor did not answer on {self.api_url} within 180 s:\n{uvicorn.tail()}")
        log(f"Saleor is up on {self.origin} ({time.monotonic() - started:.0f} s after the migrations started)")

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()

    def logs(self) -> str:
        return "\n".join(f"== saleor {child.name} ==\n{child.tail()}" for child in self.children)


def main() -> None:
    """``scripts/saleor-core``: stand up a Saleor with the suite's catalogue and keep it running until Ctrl-C."""
    import argparse
    import json
    import signal
    import tempfile

    from tests.e2e.saleor_api import StaffClient

    parser = argparse.ArgumentParser(prog="scripts/saleor-core", description=main.__doc__)
    parser.add_argument("source", type=Path, help="Saleor core source archive (.tar.gz) or directory")
    parser.add_argument("--dir", type=Path, help="working directory (default: a new one under /tmp)")
    parser.add_argument("--no-catalogue", action="store_true", help="skip creating channels, warehouses, products")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="saleor-core-", dir="/tmp"))
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o755)  # the PostgreSQL cluster below runs as the postgres user
    build = prepare(args.source.expanduser())
    pg_dir = directory / "postgres"
    pg_port = free_port()
    root = Path(__file__).resolve().parents[2]
    url = subprocess.run(
        [str(root / "scripts/postgres"), "start", str(pg_dir), str(pg_port)], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-c", "CREATE DATABASE saleor"],
        check=True,
    )
    saleor = SaleorCore(
        build, directory / "saleor", url.replace("postgresql+asyncpg://", "postgres://").rsplit("/", 1)[0] + "/saleor"
    )
    try:
        saleor.start()
        staff = StaffClient(saleor.api_url, saleor.staff_email, saleor.staff_password)
        if not args.no_catalogue:
            from saleor_asc_app.simulator.catalog import build_catalog

            catalogue = staff.create_catalogue(sorted(build_catalog("any", ["ATVPDKIKX0DER"])))
            log(f"catalogue: {len(catalogue.channels)} channels, {len(catalogue.variants)} variants")
        credentials = directory / "staff.json"
        credentials.write_text(
            json.dumps({"apiUrl": saleor.api_url, "email": saleor.staff_email, "password": saleor.staff_password})
        )
        credentials.chmod(0o600)
        log(f"Saleor API {saleor.api_url}; staff credentials in {credentials}; logs in {saleor.directory}")
        log("running; Ctrl-C stops Saleor, Celery, Redis and PostgreSQL")
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        saleor.stop()
        subprocess.run([str(root / "scripts/postgres"), "stop", str(pg_dir)], check=False)


if __name__ == "__main__":
    main()
