"""An SQS-compatible server in a process of its own: moto's standalone server (``moto[server]``), started on a free
loopback port, reached over HTTP by aiobotocore exactly as production reaches AWS."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.db_servers import free_port

REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


@dataclass
class SqsServer:
    endpoint: str
    process: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        """Stop the server (the queue becomes unreachable); its queues are lost with it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(port: int | None = None) -> SqsServer:
    port = port or free_port()
    env = {**os.environ, **CREDENTIALS}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.1)
    return SqsServer(endpoint, process, port)


@contextmanager
def sqs_server() -> Iterator[SqsServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Queue:
    url: str
    arn: str
    endpoint: str


async def create_queue(endpoint: str, name: str | None = None) -> Queue:
    from aiobotocore.session import get_session

    name = name or f"asc-push-{uuid.uuid4().hex[:12]}"
    async with get_session().create_client("sqs", region_name=REGION, endpoint_url=endpoint) as sqs:
        url = (await sqs.create_queue(QueueName=name))["QueueUrl"]
        attributes = await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return Queue(url, attributes["Attributes"]["QueueArn"], endpoint)


async def send(queue: Queue, body: str) -> None:
    from aiobotocore.session import get_session

    async with get_session().create_client("sqs", region_name=REGION, endpoint_url=queue.endpoint) as sqs:
        await sqs.send_message(QueueUrl=queue.url, MessageBody=body)


async def queue_depth(queue: Queue) -> dict[str, int]:
    from aiobotocore.session import get_session

    async with get_session().create_client("sqs", region_name=REGION, endpoint_url=queue.endpoint) as sqs:
        answer: Any = await sqs.get_queue_attributes(
            QueueUrl=queue.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )
    return {k: int(v) for k, v in answer["Attributes"].items()}
