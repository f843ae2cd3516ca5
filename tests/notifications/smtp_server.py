"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, in its own thread) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}":
                return str(part.get_content())
        raise AssertionError(f"no text/{subtype} part")


@dataclass
class SmtpSink:
    """Collects every message; ``refuse`` makes the server answer 451 (try again later) to DATA."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse: bool = False
    logins: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages()) >= count:
                break
            time.sleep(0.01)
        return self.messages()


def _authenticator(username: str, password: str, sink: SmtpSink) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword) and data.login.decode() == username and data.password.decode() == password:
            sink.logins.append(username)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return check


@contextmanager
def smtp_server(*, username: str | None = None, password: str | None = None) -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    kwargs: dict[str, Any] = {}
    if username is not None and password is not None:
        kwargs.update(
            authenticator=_authenticator(username, password, sink), auth_require_tls=False, auth_required=True
        )
    controller = Controller(sink, hostname=sink.host, port=sink.port, **kwargs)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
