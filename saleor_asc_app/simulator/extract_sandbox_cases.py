"""Regenerate `sandbox_cases.json` from Amazon's models: `python -m ... <models dir>`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from saleor_asc_app.simulator.sandbox import CASES_FILE, extract_cases


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print(f"usage: python -m {__spec__.name if __spec__ else __name__} <models dir>", file=sys.stderr)
        return 2
    data = extract_cases(Path(argv[0]))
    CASES_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    total = sum(len(op["cases"]) for op in data["operations"].values())
    print(f"wrote {total} cases of {len(data['operations'])} operations to {CASES_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
