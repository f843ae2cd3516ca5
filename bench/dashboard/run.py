"""Dashboard benchmark: size of the built pages and time to first render in headless Chromium.

    .venv/bin/python bench/dashboard/run.py                         # sizes + configuration page, 20 cold + 20 warm
    .venv/bin/python bench/dashboard/run.py --loads 5               # quick look
    .venv/bin/python bench/dashboard/run.py --page processing-errors --json /tmp/dashboard.json
    .venv/bin/python bench/dashboard/run.py --composition           # also what the JS is made of (needs Node)

Sizes: ``bench/dashboard/sizes.py``; render timing: ``bench/dashboard/render.py``; composition:
``bench/dashboard/composition.mjs`` (a Vite build into a temporary folder that records each module's rendered
bytes; the committed build is not touched).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.dashboard.render import PAGES, Summary, running, summarize  # noqa: E402
from bench.dashboard.sizes import bundle_sizes, markdown, totals  # noqa: E402


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, check=False)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "chromium": chromium.stdout.strip(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def composition() -> dict[str, Any]:
    script = ROOT / "bench" / "dashboard" / "composition.mjs"
    done = subprocess.run(
        ["node", str(script)], cwd=ROOT / "dashboard_extension", capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def summary_table(summaries: list[Summary]) -> str:
    lines = [
        "| cache | loads | total median ms | total p90 ms | in-iframe median ms | in-iframe p90 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {s.mode} | {s.loads} | {s.total_median} | {s.total_p90} | {s.app_median} | {s.app_p90} |" for s in summaries
    ]
    steps = [
        ("html_ms", "index.html received"),
        ("scripts_ms", "DOMContentLoaded (bundle run)"),
        ("app_fcp_ms", "first contentful paint"),
        ("bridged_ms", "App Bridge handshake done"),
        ("app_ms", "heading painted"),
        ("api_ms", "of which in /api/graphql"),
    ]
    lines += ["", "| median ms from the iframe's navigation start | " + " | ".join(s.mode for s in summaries) + " |"]
    lines += ["| --- |" + " ---: |" * len(summaries)]
    lines += [f"| {label} | " + " | ".join(str(s.medians[key]) for s in summaries) + " |" for key, label in steps]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", choices=sorted(PAGES), default="configuration")
    parser.add_argument("--loads", type=int, default=20, help="measured loads per cache mode")
    parser.add_argument("--composition", action="store_true", help="rebuild in a temporary folder to list modules")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()

    report: dict[str, Any] = {"machine": machine(), "page": args.page}
    rows = bundle_sizes()
    report["sizes"] = {"files": [asdict(r) for r in rows], "totals": totals(rows)}
    print(markdown(rows), flush=True)

    report["load_average_before"] = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp, running(Path(tmp), PAGES[args.page]) as bench:
        cold = bench.cold(args.loads)
        warm = bench.warm(args.loads)
    report["load_average_after"] = os.getloadavg()
    summaries = [summarize("cold", cold), summarize("warm", warm)]
    report["render"] = {"summaries": [asdict(s) for s in summaries], "cold": [asdict(x) for x in cold]}
    report["render"]["warm"] = [asdict(x) for x in warm]
    print(f"\n{args.page}: {summary_table(summaries)}", flush=True)
    print(f"load average before {report['load_average_before']}, after {report['load_average_after']}")

    if args.composition:
        report["composition"] = composition()
        # Rendered lengths are measured before minification: their shares, not their sum, describe the bundle.
        total = report["composition"]["total"]
        print("\nJS by package (share of rendered bytes):")
        for name, size in report["composition"]["packages"][:12]:
            print(f"  {name:30} {100 * size / total:5.1f} %")
    report["machine"]["load_average"] = [report["load_average_before"], report["load_average_after"]]
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
