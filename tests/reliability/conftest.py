from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.processes import Services


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """The processes of one test, run in ``tmp_path``; all stopped afterwards."""
    services = Services(tmp_path)
    try:
        yield services
    finally:
        services.close()
