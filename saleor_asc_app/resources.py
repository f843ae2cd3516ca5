"""Where the repository's non-Python files live: the repository root in a source checkout, or the copies the wheel
bundles under `saleor_asc_app/_bundled/` (see `[tool.hatch.build.targets.wheel.force-include]`).

The wheel bundles only what production reads (`webhooks/subscriptions/`). The pinned schema and the contracts
(`contracts/amazon/`, `contracts/saleor/`) are read by tests and scripts from a source checkout; should runtime code
ever need one of them, bundling it under the same relative path is all it takes for these functions to find it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED_DIR = _PACKAGE_DIR / "_bundled"
_SOURCE_ROOT = _PACKAGE_DIR.parent


def _first_existing(relative: str) -> Path:
    for base in (_BUNDLED_DIR, _SOURCE_ROOT):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"{relative} is neither bundled in the package ({_BUNDLED_DIR}) nor in a source checkout ({_SOURCE_ROOT})"
    )


def webhooks_dir() -> Path:
    """The top-level `webhooks/` folder: `subscriptions/*.graphql` (and `recorded/*.json` in a source checkout)."""
    return _first_existing("webhooks")


def pinned_schema_path() -> Path:
    """`graphql/schema.graphql`, the Saleor schema the client is generated from (see graphql/SOURCE.md)."""
    return _first_existing("graphql/schema.graphql")


def contracts_dir(platform: str) -> Path:
    """`contracts/<platform>/` (`amazon` or `saleor`): the platforms' published models, schemas and recorded
    traffic, each folder with a `SOURCE.md` naming origin, commit and sha256 of every file."""
    return _first_existing(f"contracts/{platform}")
