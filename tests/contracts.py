"""Where the tests find the platforms' contracts: `contracts/amazon/` and `contracts/saleor/` in the repository
(through `saleor_asc_app.resources.contracts_dir`, the one resolver). Nothing outside the repository is read."""

from __future__ import annotations

from pathlib import Path

from saleor_asc_app.resources import contracts_dir, pinned_schema_path

REPO_ROOT = Path(__file__).resolve().parents[1]


def amazon_contracts() -> Path:
    """Amazon's SP-API models, feed and notification schemas (`contracts/amazon/SOURCE.md`)."""
    return contracts_dir("amazon")


def saleor_contracts() -> Path:
    """The unreleased 3.24 schema and traffic recorded from a real Saleor (`contracts/saleor/SOURCE.md`)."""
    return contracts_dir("saleor")


def schema_323_path() -> Path:
    """The pinned 3.23.28 schema, kept once at `graphql/schema.graphql`."""
    return pinned_schema_path()


def schema_324_path() -> Path:
    return saleor_contracts() / "schema-3.24-main.graphql"


def recorded(name: str) -> Path:
    return saleor_contracts() / "recorded" / name
