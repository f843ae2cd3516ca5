"""Everything the simulator knows, as a plain object tests and benchmarks drive directly."""

from __future__ import annotations

import bisect
import itertools
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.amazon.ratelimit import RateLimit, TokenBucket
from saleor_asc_app.amazon.regions import marketplace
from saleor_asc_app.clock import Clock, SystemClock, VirtualClock
from saleor_asc_app.simulator.catalog import Product, build_catalog
from saleor_asc_app.simulator.disclosure import Role
from saleor_asc_app.simulator.faults import FaultBook, FaultKind, FaultRule
from saleor_asc_app.simulator.generator import GenerationOptions, OrderGenerator
from saleor_asc_app.simulator.notifications import NotificationCenter
from saleor_asc_app.simulator.operations import SANDBOX_BURST, SANDBOX_RATE, implemented
from saleor_asc_app.simulator.orders import Shipment, SimOrder
from saleor_asc_app.simulator.rules import ModelOperation, ModelRules
from saleor_asc_app.simulator.submissions import SimFeed, SimReport

ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=5)
GRANTLESS_SCOPES = frozenset({"sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation"})


class SimulatorError(Exception):
    """A call on the state that cannot be done (unknown seller, order, ...)."""


@dataclass
class AppRegistration:
    """The one app registered with the simulator's LWA and Seller Central."""

    client_id: str = "amzn1.application-oa2-client.simulator"
    client_secret: str = "amzn1.oa2-cs.v1.simulatorsecret"
    application_id: str = "amzn1.sp.solution.simulator"
    redirect_uris: list[str] = field(default_factory=list)  # empty: any redirect URI is accepted
    draft: bool = True  # consent needs version=beta
    secret_expired: bool = False


@dataclass
class SellerAccount:
    seller_id: str
    marketplace_ids: list[str]
    roles: set[Role]
    store_name: str
    refresh_tokens: set[str]
    catalog: dict[str, Product]
    revoked: bool = False
    orders: dict[str, SimOrder] = field(default_factory=dict)
    by_created: list[tuple[datetime, str]] = field(default_factory=list)
    rate_limits: dict[str, RateLimit] = field(default_factory=dict)  # per-seller usage plans
    ship_from: dict[str, str] = field(default_factory=dict)
    refresh_token: str = ""  # the most recently issued one

    def grant_refresh_token(self, token: str) -> None:
        self.refresh_tokens.add(token)
        self.refresh_token = token

    def add_order(self, order: SimOrder) -> None:
        self.orders[order.order_id] = order
        bisect.insort(self.by_created, (order.created, order.order_id))


@dataclass
class AccessToken:
    token: str
    expires_at: datetime
    seller_id: str | None = None
    scope: str | None = None


@dataclass
class AuthorizationCode:
    code: str
    seller_id: str
    redirect_uri: str
    expires_at: datetime
    used: bool = False


@dataclass
class StoredDocument:
    document_id: str
    seller_id: str
    content_type: str
    created: datetime
    content: bytes | None = None
    compression: str | None = None


@dataclass
class ShipmentConfirmation:
    """One accepted confirmShipment call."""

    at: datetime
    seller_id: str
    order_id: str
    marketplace_id: str
    package_reference_id: str
    carrier_code: str
    tracking_number: str
    items: dict[str, int]


@dataclass
class OrderCancellation:
    """One accepted cancelOrder call, or one accepted row of an order acknowledgement feed (an item)."""

    at: datetime
    seller_id: str
    order_id: str
    reason: str
    order_item_id: str | None = None
    feed_id: str | None = None


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)  # operation -> calls answered
    throttled: Counter[str] = field(default_factory=Counter)  # operation -> 429 from the buckets
    faults: Counter[str] = field(default_factory=Counter)  # fault kind -> times injected
    lwa_requests: int = 0

    @property
    def total_throttled(self) -> int:
        return sum(self.throttled.values())


class SimulatorState:
    def __init__(
        self, clock: Clock | None = None, *, app: AppRegistration | None = None, rules: ModelRules | None = None
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        # Method, path, default usage plan and body schema of each operation, from Amazon's models.
        self.operations: dict[str, ModelOperation] = implemented(rules)
        self.app = app or AppRegistration()
        self.sellers: dict[str, SellerAccount] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.documents: dict[str, StoredDocument] = {}
        self.feeds: dict[str, SimFeed] = {}
        self.reports: dict[str, SimReport] = {}
        self.confirmations: list[ShipmentConfirmation] = []
        self.cancellations: list[OrderCancellation] = []
        self.faults = FaultBook()
        self.stats = Stats()
        self.buckets: dict[tuple[str, str], TokenBucket] = {}
        self.notifications = NotificationCenter(self.app.application_id)
        self.consent_seller_id: str | None = None  # who approves consent; default: first seller
        self.timeout_seconds = 120.0  # how long a TIMEOUT fault keeps the caller waiting
        self.feed_processing_seconds = 60.0
        self.report_processing_seconds = 120.0
        self._ids = itertools.count(1)
        self._order_ids: set[str] = set()

    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}{next(self._ids)}"

    # --- sellers ----------------------------------------------------------------------------------

    def add_seller(
        self,
        seller_id: str | None = None,
        *,
        marketplace_ids: Sequence[str] = ("ATVPDKIKX0DER",),
        roles: Iterable[Role | str] = (),
        refresh_token: str | None = None,
        store_name: str | None = None,
        catalog_size: int = 24,
        seed: int | str = 0,
    ) -> SellerAccount:
        seller_id = seller_id or f"A{secrets.token_hex(6).upper()}"
        if seller_id in self.sellers:
            raise SimulatorError(f"seller {seller_id} exists")
        ids = [marketplace(m).id for m in marketplace_ids]
        account = SellerAccount(
            seller_id=seller_id,
            marketplace_ids=ids,
            roles={Role(r) for r in roles},
            store_name=store_name or f"Simulated Store {seller_id[-4:]}",
            refresh_tokens=set(),
            catalog=build_catalog(f"{seller_id}:{seed}", ids, catalog_size),
            ship_from={
                "name": "Simulated Warehouse",
                "addressLine1": "1 Depot Road",
                "city": "Springfield",
                "postalCode": "00000",
                "countryCode": marketplace(ids[0]).country_code,
            },
        )
        account.grant_refresh_token(refresh_token or self._new_refresh_token())
        self.sellers[seller_id] = account
        return account

    def seller(self, seller: SellerAccount | str) -> SellerAccount:
        if isinstance(seller, SellerAccount):
            return seller
        try:
            return self.sellers[seller]
        except KeyError:
            raise SimulatorError(f"unknown seller {seller}") from None

    def seller_for_refresh_token(self, refresh_token: str) -> SellerAccount | None:
        for account in self.sellers.values():
            if refresh_token in account.refresh_tokens:
                return account
        return None

    def revoke_authorization(self, seller: SellerAccount | str) -> None:
        """The seller revoked the app (or 365 days passed): LWA answers invalid_grant."""
        account = self.seller(seller)
        account.revoked = True
        self.notifications.drop_seller(account.seller_id)  # a revoked seller's subscriptions end with it
        for token in [t for t in self.tokens.values() if t.seller_id == account.seller_id]:
            del self.tokens[token.token]

    def reauthorize(self, seller: SellerAccount | str) -> str:
        """The seller authorized the app again: a new refresh token, the old ones stay dead."""
        account = self.seller(seller)
        account.revoked = False
        account.refresh_tokens = set()
        account.grant_refresh_token(self._new_refresh_token())
        return account.refresh_token

    def set_rate_limit(self, seller: SellerAccount | str, operation: str, rate: float, burst: int) -> None:
        account = self.seller(seller)
        account.rate_limits[operation] = RateLimit(rate, burst)
        self.buckets.pop((account.seller_id, operation), None)

    # --- the app ----------------------------------------------------------------------------------

    def expire_client_secret(self) -> None:
        self.app.secret_expired = True

    def rotate_client_secret(self) -> str:
        self.app.client_secret = f"amzn1.oa2-cs.v1.{secrets.token_hex(24)}"
        self.app.secret_expired = False
        return self.app.client_secret

    # --- tokens -----------------------------------------------------------------------------------

    def _new_refresh_token(self) -> str:
        return f"Atzr|sim-{secrets.token_urlsafe(32)}"

    def issue_access_token(self, *, seller_id: str | None = None, scope: str | None = None) -> AccessToken:
        token = AccessToken(
            token=f"Atza|sim-{secrets.token_urlsafe(32)}",
            expires_at=self.now() + ACCESS_TOKEN_LIFETIME,
            seller_id=seller_id,
            scope=scope,
        )
        self.tokens[token.token] = token
        return token

    def check_access_token(self, token: str) -> AccessToken | str:
        """The token's grant, or the reason Amazon gives for refusing it."""
        grant = self.tokens.get(token)
        if grant is None:
            return "The access token you provided is revoked, malformed or invalid."
        if grant.expires_at <= self.now():
            return "The access token you provided has expired."
        return grant

    def create_authorization_code(self, seller_id: str, redirect_uri: str) -> str:
        code = "ANsim" + secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")
        self.codes[code] = AuthorizationCode(code, seller_id, redirect_uri, self.now() + AUTHORIZATION_CODE_LIFETIME)
        return code

    # --- orders -----------------------------------------------------------------------------------

    def generate_orders(
        self, seller: SellerAccount | str, n: int, seed: int | str = 0, **options: Any
    ) -> list[SimOrder]:
        """Add `n` orders to the seller; the same seed gives the same orders (given the same clock)."""
        account = self.seller(seller)
        generator = OrderGenerator(
            account.seller_id,
            account.catalog,
            seed,
            self.now(),
            GenerationOptions(**options),
            self._order_ids,
            ship_from=account.ship_from,
            default_marketplaces=account.marketplace_ids,
        )
        orders = generator.generate(n)
        for order in orders:
            account.add_order(order)
        return orders

    def order(self, order_id: str) -> SimOrder:
        for account in self.sellers.values():
            if order_id in account.orders:
                return account.orders[order_id]
        raise SimulatorError(f"unknown order {order_id}")

    def advance_order(self, order_id: str, to: FulfillmentStatus | str) -> SimOrder:
        """Move an order along its lifecycle now (PENDING → UNSHIPPED → SHIPPED / CANCELLED)."""
        order = self.order(order_id)
        target = FulfillmentStatus(to)
        now = self.now()
        if target is FulfillmentStatus.UNSHIPPED:
            order.release(now)
        elif target is FulfillmentStatus.CANCELLED:
            if not order.cancel(now):
                raise SimulatorError(f"order {order_id} has shipped items and cannot be cancelled")
        elif target in (FulfillmentStatus.SHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED):
            order.shipments = [s for s in order.shipments if s.at <= now]
            remaining = {k: v for k, v in order.remaining(now).items() if v > 0}
            if not remaining:
                return order
            if target is FulfillmentStatus.PARTIALLY_SHIPPED:
                first = next(iter(remaining))
                if sum(remaining.values()) < 2:
                    raise SimulatorError(f"order {order_id} has a single unit left: it cannot ship partially")
                remaining = {first: 1}
            number = str(len(order.shipments) + 1)
            order.ship(now, Shipment(now, remaining, number, "UPS", f"1Z{number}{order.order_id[-7:]}"))
        else:
            raise SimulatorError(f"cannot move an order to {target.value}")
        return order

    def advance(self, seconds: float) -> None:
        """Move virtual time (only with a VirtualClock)."""
        if not isinstance(self.clock, VirtualClock):
            raise SimulatorError("advance needs a VirtualClock")
        self.clock.advance(seconds)

    # --- faults -----------------------------------------------------------------------------------

    def inject_fault(
        self,
        seller: SellerAccount | str | None,
        kind: FaultKind | str,
        count: int | None = 1,
        operation: str | None = None,
    ) -> FaultRule | None:
        kind = FaultKind(kind)
        if operation is not None and operation not in self.operations:
            raise SimulatorError(f"unknown operation {operation}")
        seller_id = self.seller(seller).seller_id if seller is not None else None
        if kind is FaultKind.INVALID_GRANT:
            if seller_id is None:
                raise SimulatorError("invalid_grant needs a seller")
            self.revoke_authorization(seller_id)
            return None
        return self.faults.add(FaultRule(kind, seller_id, operation, count))

    # --- rate limits ------------------------------------------------------------------------------

    def limit_for(self, seller_id: str, operation: str, *, sandbox: bool = False) -> RateLimit:
        if sandbox:
            return RateLimit(SANDBOX_RATE, SANDBOX_BURST)
        account = self.sellers.get(seller_id)
        if account and operation in account.rate_limits:
            return account.rate_limits[operation]
        op = self.operations[operation]
        if op.rate is None or op.burst is None:
            raise SimulatorError(f"Amazon's model states no usage plan for {operation}")
        return RateLimit(op.rate, op.burst)

    def take_token(self, seller_id: str, operation: str, *, sandbox: bool = False) -> tuple[bool, RateLimit]:
        limit = self.limit_for(seller_id, operation, sandbox=sandbox)
        key = (seller_id, f"sandbox:{operation}" if sandbox else operation)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket.full(limit.rate, limit.burst, self.clock.monotonic())
        return bucket.try_take(self.clock.monotonic()), limit

    # --- reading back -----------------------------------------------------------------------------

    def shipments(self, seller: SellerAccount | str) -> list[ShipmentConfirmation]:
        seller_id = self.seller(seller).seller_id
        return [c for c in self.confirmations if c.seller_id == seller_id]

    def seller_feeds(self, seller: SellerAccount | str) -> list[SimFeed]:
        seller_id = self.seller(seller).seller_id
        return [f for f in self.feeds.values() if f.seller_id == seller_id]

    def pii_values(self, seller: SellerAccount | str) -> set[str]:
        """The buyer PII strings of the seller's orders that are distinctive enough to search a log for.

        Short numbers (postal codes) are left out: any timestamp or request id may contain them.
        """
        values: set[str] = set()

        def collect(node: Any) -> None:
            if isinstance(node, dict):
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)
            elif isinstance(node, str) and (len(node) >= 10 or (len(node) >= 6 and any(c.isalpha() for c in node))):
                values.add(node)

        for order in self.seller(seller).orders.values():
            body = order.body
            collect(body.get("buyer", {}))
            address = dict(body.get("recipient", {}).get("deliveryAddress", {}))
            for public in ("city", "stateOrRegion", "countryCode", "addressType", "districtOrCounty"):
                address.pop(public, None)
            collect(address)
            for item in body["orderItems"]:
                collect(item["product"].get("customization", {}))
                gift = item.get("fulfillment", {}).get("packing", {}).get("giftOption", {})
                if "giftMessage" in gift:
                    values.add(gift["giftMessage"])
        return values
