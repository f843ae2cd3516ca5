"""Where the shared Saleor contracts live: `$ASC_SHARED_DIR`, else `shared/` next to the repository.

Missing contracts fail the tests (they never skip): the checks below are only meaningful against them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    override = os.environ.get("ASC_SHARED_DIR")
    path = Path(override) if override else REPO_ROOT / ".." / "shared"
    if not (path / "contracts" / "saleor").is_dir():
        pytest.fail(f"shared contracts not found at {path.resolve()} (set ASC_SHARED_DIR)")
    return path.resolve()


def saleor_contracts() -> Path:
    return shared_dir() / "contracts" / "saleor"


def schema_323_path() -> Path:
    return saleor_contracts() / "schema.graphql"


def schema_324_path() -> Path:
    return saleor_contracts() / "schema-3.24-main.graphql"


def recorded(name: str) -> Path:
    return saleor_contracts() / "recorded" / name
