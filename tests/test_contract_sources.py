"""The contracts in the repository are what their `SOURCE.md` says: every file listed with a sha256 that matches,
no file unlisted. A copy edited by hand, or replaced without updating its note, fails here."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from tests.contracts import REPO_ROOT, amazon_contracts, saleor_contracts

_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|(?P<rest>.*)\|\s*$")
_HASH = re.compile(r"\b[0-9a-f]{16}(?:[0-9a-f]{48})?\b")


def listed_hashes(folder: Path) -> dict[Path, str]:
    """{file: sha256 or its prefix} from the table rows of `folder/SOURCE.md` that name a file and a hash."""
    listed: dict[Path, str] = {}
    for line in (folder / "SOURCE.md").read_text().splitlines():
        row = _ROW.match(line)
        if row is None:
            continue
        hashes = [h for h in _HASH.findall(row["rest"]) if len(h) in (16, 64)]
        if hashes:
            listed[(folder / row["file"]).resolve()] = hashes[-1]
    return listed


@pytest.mark.parametrize("folder", [amazon_contracts(), saleor_contracts()], ids=lambda folder: folder.name)
def test_every_contract_file_matches_its_source_note(folder: Path) -> None:
    listed = listed_hashes(folder)
    present = {path.resolve() for path in folder.rglob("*") if path.is_file() and path.name != "SOURCE.md"}
    assert sorted(map(str, present - set(listed))) == [], "files without a line in SOURCE.md"
    for path, expected in listed.items():
        assert path.is_file(), f"SOURCE.md lists {path}, which is missing"
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        assert actual.startswith(expected), f"{path.relative_to(REPO_ROOT)}: sha256 {actual}, SOURCE.md says {expected}"


def test_pinned_schema_notes_agree() -> None:
    """The pinned 3.23.28 schema is kept once (`graphql/schema.graphql`); both notes give its hash."""
    schema = REPO_ROOT / "graphql" / "schema.graphql"
    actual = hashlib.sha256(schema.read_bytes()).hexdigest()
    assert listed_hashes(saleor_contracts())[schema.resolve()] == actual
    assert f"`{actual}`" in (REPO_ROOT / "graphql" / "SOURCE.md").read_text()


def test_nothing_reads_outside_the_repository() -> None:
    """No tracked file but `.ci/run` names the folder beside the repository or the setting that pointed at it."""
    beside = ".." + "/" + "shared"  # spelled apart so this file does not name it
    setting = "ASC_" + "SHARED_DIR"
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, check=True, capture_output=True)
        .stdout.decode()
        .split("\0")
    )
    naming = []
    for name in filter(None, tracked):
        path = REPO_ROOT / name
        if name == ".ci/run" or not path.is_file():
            continue
        text = path.read_bytes()
        if setting.encode() in text or (beside.encode() in text):
            naming.append(name)
    assert naming == []
