"""Size of the built dashboard (``saleor_asc_app/static/dashboard/``): raw and gzip -9 bytes per file and in total."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "saleor_asc_app" / "static" / "dashboard"
# What a browser downloads; BUILD_SOURCES.sha256 is the staleness check's record, never served to a page.
SERVED_SUFFIXES = (".html", ".js", ".css", ".woff2", ".svg", ".png")


@dataclass(frozen=True)
class FileSize:
    path: str
    kind: str
    raw: int
    gzip: int


def _kind(path: Path) -> str:
    return {".js": "js", ".css": "css", ".html": "html", ".woff2": "font"}.get(path.suffix, "other")


def bundle_sizes(build_dir: Path = BUILD_DIR) -> list[FileSize]:
    rows = []
    for path in sorted(p for p in build_dir.rglob("*") if p.is_file() and p.suffix in SERVED_SUFFIXES):
        data = path.read_bytes()
        # mtime=0: the same bytes give the same size on every run.
        rows.append(
            FileSize(str(path.relative_to(build_dir)), _kind(path), len(data), len(gzip.compress(data, 9, mtime=0)))
        )
    return rows


def totals(rows: list[FileSize]) -> dict[str, tuple[int, int]]:
    """Raw and gzip bytes per kind, plus ``js+css`` (what the task's budget is about) and ``all``."""
    out: dict[str, tuple[int, int]] = {}
    for row in rows:
        raw, gz = out.get(row.kind, (0, 0))
        out[row.kind] = (raw + row.raw, gz + row.gzip)
    code = [r for r in rows if r.kind in ("js", "css")]
    out["js+css"] = (sum(r.raw for r in code), sum(r.gzip for r in code))
    out["all"] = (sum(r.raw for r in rows), sum(r.gzip for r in rows))
    return out


def markdown(rows: list[FileSize]) -> str:
    lines = ["| file | raw bytes | gzip -9 bytes |", "| --- | ---: | ---: |"]
    lines += [f"| `{r.path}` | {r.raw:,} | {r.gzip:,} |" for r in rows]
    lines += [f"| **{kind}** | {raw:,} | {gz:,} |" for kind, (raw, gz) in totals(rows).items()]
    return "\n".join(lines)
