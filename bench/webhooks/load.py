"""Load generator for the webhook benchmark (run in its own process, pinned to its own core).

Pre-signs ``--pool`` distinct webhook bodies with the benchmark's RSA key (as Saleor would: detached RS256 JWS), then
for each concurrency level keeps that many HTTP/1.1 keep-alive connections busy for ``--seconds`` (closed loop: each
connection sends its next request when the previous answer arrived). Prints one JSON line per level.

Raw asyncio streams instead of an HTTP client library: the generator must not be the bottleneck on one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization


def sign(private_key: Any, kid: str, body: bytes) -> str:
    return jwt.api_jws.encode(
        body, private_key, algorithm="RS256", headers={"kid": kid, "crit": ["b64"]}, is_payload_detached=True
    )


def build_requests(args: argparse.Namespace) -> list[bytes]:
    key = serialization.load_pem_private_key(Path(args.key).read_bytes(), password=None)
    requests = []
    for i in range(args.pool):
        body = json.dumps(
            {
                "issuedAt": "2026-11-27T12:00:00+00:00",
                "version": "3.23.28",
                "issuingPrincipal": {"__typename": "User", "id": "VXNlcjox"},
                "recipient": {"id": args.app_id},
                "fulfillment": {"id": f"RnVsZmlsbG1lbnQ6{i}", "trackingNumber": f"1Z{i:012d}"},
                "order": {"id": "T3JkZXI6MQ==", "externalReference": "111-2222222-3333333"},
            }
        ).encode()
        head = (
            f"POST {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\nContent-Type: application/json\r\n"
            f"Saleor-Event: {args.event}\r\nSaleor-Domain: bench.saleor.test\r\nSaleor-Api-Url: {args.api_url}\r\n"
            f"Saleor-Signature: {sign(key, args.kid, body)}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def connection(
    args: argparse.Namespace, requests: list[bytes], offset: int, deadline: float, out: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection(args.host, args.port)
    i = offset
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(requests[i % len(requests)])
            await writer.drain()
            status = await read_response(reader)
            out["latencies"].append(time.perf_counter() - started)
            out["statuses"][status] = out["statuses"].get(status, 0) + 1
            i += 1
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        out["errors"].append(type(exc).__name__)
    finally:
        writer.close()


async def level(args: argparse.Namespace, requests: list[bytes], concurrency: int) -> dict[str, Any]:
    out: dict[str, Any] = {"latencies": [], "statuses": {}, "errors": []}
    started = time.perf_counter()
    deadline = started + args.seconds
    await asyncio.gather(*(connection(args, requests, c * 7919, deadline, out) for c in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies = sorted(out["latencies"])
    count = len(latencies)

    def pct(p: float) -> float:
        return round(latencies[min(count - 1, int(p * count))] * 1000, 2) if count else 0.0

    return {
        "concurrency": concurrency,
        "requests": count,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1] * 1000, 2) if count else 0.0,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if count else 0.0,
        "statuses": out["statuses"],
        "errors": len(out["errors"]),
    }


async def main(args: argparse.Namespace) -> None:
    requests = build_requests(args)
    for concurrency in args.concurrency:
        result = await level(args, requests, concurrency)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--event", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--key", required=True, help="PEM private key whose public half is the installation's JWKS")
    parser.add_argument("--kid", required=True)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
