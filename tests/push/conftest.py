from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.push.sqs_server import CREDENTIALS, SqsServer, start_server


@pytest.fixture(scope="session")
def sqs_server() -> Iterator[SqsServer]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The usual AWS way: credentials from the environment (the moto server accepts any)."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
