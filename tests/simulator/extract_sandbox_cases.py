"""Extracting the `x-amzn-api-sandbox` static cases of the implemented operations from Amazon's models into the
simulator's `sandbox_cases.json`, and the model rules into `model_rules.json`. Regenerate both with
`python -m tests.simulator.extract_sandbox_cases` (from the repository root; the models are `contracts/amazon/`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from saleor_asc_app.amazon.operations import OPERATIONS
from saleor_asc_app.simulator.rules import RULES_FILE, extract_rules
from saleor_asc_app.simulator.sandbox import CASES_FILE
from tests.contracts import amazon_contracts

MODEL_FILES: tuple[str, ...] = (
    "orders_2026-01-01.json",
    "ordersV0.json",
    "sellers.json",
    "feeds_2021-06-30.json",
    "reports_2021-06-30.json",
    "listingsItems_2021-08-01.json",
    "fbaInventory.json",
    "notifications.json",
)


def extract_cases(models_dir: Path) -> dict[str, Any]:
    """The sandbox cases and parameter locations of the implemented operations."""
    operations: dict[str, Any] = {}
    # Matched by method and path: v0 and v2026-01-01 both have a "getOrder".
    wanted = {(op.method, op.path): op.name for op in OPERATIONS.values()}
    for file_name in MODEL_FILES:
        spec = json.loads((models_dir / file_name).read_text())
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                name = wanted.get((method.upper(), path))
                if name is None or not isinstance(operation, dict):
                    continue
                cases = []
                for status, response in operation.get("responses", {}).items():
                    sandbox = response.get("x-amzn-api-sandbox", {})
                    for case in sandbox.get("static", []):
                        cases.append(
                            {
                                "status": int(status),
                                "parameters": case.get("request", {}).get("parameters", {}),
                                "response": case.get("response"),
                            }
                        )
                operations[name] = {
                    "method": method.upper(),
                    "path": path,
                    "parameters": {p["name"]: p["in"] for p in operation.get("parameters", [])},
                    "cases": cases,
                }
    return {"source": "x-amzn-api-sandbox static cases of Amazon's SP-API models", "operations": operations}


def main() -> int:
    rules = extract_rules(amazon_contracts(), MODEL_FILES)
    RULES_FILE.write_text(json.dumps(rules, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    data = extract_cases(amazon_contracts())
    CASES_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    total = sum(len(op["cases"]) for op in data["operations"].values())
    print(f"wrote {total} cases of {len(data['operations'])} operations to {CASES_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
