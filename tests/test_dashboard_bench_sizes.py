"""The dashboard benchmark's arithmetic: sizes per file and kind, and the nearest-rank p90 of its load times."""

from __future__ import annotations

import gzip
from pathlib import Path

from bench.dashboard.render import p90
from bench.dashboard.sizes import bundle_sizes, totals


def test_sizes_count_what_a_page_downloads(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    script = b"console.log('dashboard');\n" * 400
    (tmp_path / "assets" / "index-abc.js").write_bytes(script)
    (tmp_path / "assets" / "index-abc.css").write_bytes(b"a{color:red}")
    (tmp_path / "index.html").write_bytes(b"<!doctype html>")
    (tmp_path / "BUILD_SOURCES.sha256").write_text("0" * 64)  # the staleness record: never served

    rows = {row.path: row for row in bundle_sizes(tmp_path)}

    assert sorted(rows) == ["assets/index-abc.css", "assets/index-abc.js", "index.html"]
    assert rows["assets/index-abc.js"].raw == len(script)
    assert rows["assets/index-abc.js"].gzip == len(gzip.compress(script, 9, mtime=0)) < len(script) // 20
    summed = totals(list(rows.values()))
    assert summed["js+css"] == (len(script) + 12, rows["assets/index-abc.js"].gzip + rows["assets/index-abc.css"].gzip)
    assert summed["all"][0] == len(script) + 12 + 15


def test_p90_is_the_nearest_rank() -> None:
    assert p90([float(n) for n in range(1, 21)]) == 18.0
    assert p90([5.0]) == 5.0
    assert p90([3.0, 1.0, 2.0]) == 3.0
