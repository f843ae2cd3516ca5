"""`scripts/codegen --check` passes on the committed client and fails when the documents drift from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.contracts import REPO_ROOT


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "codegen"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_committed_client_matches_the_documents() -> None:
    result = _check(REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_check_fails_on_drift(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for relative in ("scripts/codegen", "pyproject.toml", "graphql", "saleor_asc_app/saleor/graphql_client"):
        source = REPO_ROOT / relative
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    query = copy / "graphql" / "operations" / "queries" / "app.graphql"
    query.write_text(query.read_text().replace("    identifier\n", "    identifier\n    version\n", 1))
    result = _check(copy)
    assert result.returncode == 1
    assert "fetch_app_details.py" in result.stderr
