"""Run the simulator: `python -m saleor_asc_app.simulator --port 8100 --orders 200`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import uvicorn

from saleor_asc_app.simulator.app import create_simulator_app
from saleor_asc_app.simulator.notifications import DeliveryOptions
from saleor_asc_app.simulator.state import SimulatorState


def build_state(args: argparse.Namespace) -> SimulatorState:
    state = SimulatorState()
    if args.client_id:
        state.app.client_id = args.client_id
    if args.client_secret:
        state.app.client_secret = args.client_secret
    if args.application_id:
        state.app.application_id = args.application_id
    state.app.redirect_uris = list(args.redirect_uri or [])
    seller = state.add_seller(
        args.seller_id,
        marketplace_ids=args.marketplace or ["ATVPDKIKX0DER"],
        roles=args.role or [],
        refresh_token=args.refresh_token,
        seed=args.seed,
    )
    if args.orders:
        options: dict[str, Any] = {}
        for spec in args.order_option or []:
            key, _, value = spec.partition("=")
            options[key.replace("-", "_")] = float(value)
        if args.orders_between:
            first, _, last = args.orders_between.partition(":")
            now = state.now()
            options["start"] = now - timedelta(minutes=float(first))
            options["end"] = now - timedelta(minutes=float(last or 0))
        for order in state.generate_orders(seller, args.orders, args.seed, **options):
            if args.no_pending and not order.preorder:
                order.pending_until = order.created  # payment authorised at once: Unshipped from the start
    for spec in args.rate_limit or []:
        operation, _, limit = spec.partition("=")
        rate, _, burst = limit.partition(":")
        state.set_rate_limit(seller, operation, float(rate), int(burst or 1))
    for spec in args.fault or []:
        kind, _, rest = spec.partition(":")
        count, _, operation = rest.partition(":")
        state.inject_fault(seller, kind, int(count) if count else None, operation or None)
    return state


def build_parser(prog: str = "python -m saleor_asc_app.simulator") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Run the SP-API simulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--seller-id", default="ASIMULATEDSELLER")
    parser.add_argument("--marketplace", action="append", help="marketplace id or code (repeatable)")
    parser.add_argument("--role", action="append", help="PII role, e.g. DIRECT_TO_CONSUMER_SHIPPING")
    parser.add_argument("--refresh-token", help="the seller's refresh token (default: generated)")
    parser.add_argument("--client-id")
    parser.add_argument("--client-secret")
    parser.add_argument("--application-id")
    parser.add_argument("--redirect-uri", action="append")
    parser.add_argument("--orders", type=int, default=50, help="orders to generate at start")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--order-option",
        action="append",
        help="a share of the generated orders, e.g. afn_share=0 or cancel_share=0 (repeatable)",
    )
    parser.add_argument(
        "--no-pending", action="store_true", help="generated orders skip the Pending phase (Unshipped at once)"
    )
    parser.add_argument(
        "--orders-between",
        metavar="FROM:TO",
        help="create the generated orders between FROM and TO minutes ago (default: the 7 days before 5 minutes ago)",
    )
    parser.add_argument("--admin-token", help="require this x-simulator-admin-token on /_simulator")
    parser.add_argument(
        "--rate-limit",
        action="append",
        help="the seller's limit for an operation: OPERATION=RATE[:BURST], e.g. searchOrders=1:20 (repeatable)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        help="inject a fault for the seller: KIND[:COUNT[:OPERATION]], e.g. server_error:3:searchOrders "
        "(no COUNT: until cleared through /_simulator)",
    )
    parser.add_argument(
        "--sqs-endpoint",
        help="deliver Notifications API notifications to SQS queues at this endpoint (an SQS-compatible server)",
    )
    parser.add_argument("--notify-delay", type=float, default=0.0, help="seconds before a notification is sent")
    parser.add_argument("--notify-jitter", type=float, default=0.0, help="up to this many seconds more, at random")
    parser.add_argument("--notify-duplicates", type=float, default=0.0, help="share of notifications sent twice")
    parser.add_argument("--notify-reorder", action="store_true", help="send due notifications in shuffled order")
    return parser


def parse_args(argv: Sequence[str] | None, prog: str = "python -m saleor_asc_app.simulator") -> argparse.Namespace:
    return build_parser(prog).parse_args(argv)


def main(argv: Sequence[str] | None = None, prog: str = "python -m saleor_asc_app.simulator") -> int:
    args = parse_args(argv, prog)
    state = build_state(args)
    seller = next(iter(state.sellers.values()))
    print(
        f"SP-API simulator on http://{args.host}:{args.port} — seller {seller.seller_id}, "
        f"{len(seller.orders)} orders, LWA at /auth/o2/token",
        file=sys.stderr,
    )
    deliver = bool(args.sqs_endpoint)
    if deliver:
        state.notifications.sqs_endpoint_url = args.sqs_endpoint
        state.notifications.configure(
            DeliveryOptions(
                delay_seconds=args.notify_delay,
                jitter_seconds=args.notify_jitter,
                duplicate_share=args.notify_duplicates,
                reorder=args.notify_reorder,
                seed=args.seed,
            )
        )
    app = create_simulator_app(state, admin_token=args.admin_token, deliver_notifications=deliver)
    uvicorn.run(app, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
