from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.amazon.harness import Harness, make_harness


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = make_harness()
    yield h
    await h.http.aclose()
