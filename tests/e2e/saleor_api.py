"""Staff access to a real Saleor through its GraphQL API: sign-in, the catalogue the suite needs (channels per Amazon
marketplace, warehouses incl. an FBA one, a shipping zone with methods, a tax class, the simulator's SKUs),
``appInstall``, dashboard tokens (``app(id){accessToken}``), fulfil/cancel, and what Saleor says about an order."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

# slug, currency, country, Amazon marketplace id: one channel per marketplace the suite imports from
CHANNELS: tuple[tuple[str, str, str, str], ...] = (
    ("amazon-us", "USD", "US", "ATVPDKIKX0DER"),
    ("amazon-ca", "CAD", "CA", "A2EUQ1WTGCTBG2"),
    ("amazon-mx", "MXN", "MX", "A1AM78C64UM0Y8"),
    ("amazon-gb", "GBP", "GB", "A1F83G8C2ARO7P"),
    ("amazon-de", "EUR", "DE", "A1PA6795UKMFR9"),
    ("amazon-fr", "EUR", "FR", "A13V1IB3VIYZZH"),
    ("amazon-jp", "JPY", "JP", "A1VC38T7YXB528"),
    ("amazon-au", "AUD", "AU", "A39IBJ37TRP1C6"),
)
APP_PERMISSIONS = ("MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS", "MANAGE_STAFF")
WAREHOUSE_ADDRESS = {
    "streetAddress1": "1 Market Street",
    "city": "San Francisco",
    "postalCode": "94105",
    "country": "US",
    "countryArea": "CA",
}


class SaleorError(AssertionError):
    pass


@dataclass
class Catalogue:
    channels: dict[str, str] = field(default_factory=dict)  # slug -> id
    warehouses: dict[str, str] = field(default_factory=dict)  # "main" / "fba" -> id
    shipping_methods: dict[str, str] = field(default_factory=dict)  # "standard" / "express" / "fba" -> id
    tax_class: str = ""
    product_type: str = ""
    variants: dict[str, str] = field(default_factory=dict)  # sku -> id
    groups: dict[str, str] = field(default_factory=dict)  # name -> id


class StaffClient:
    """One staff user signed in to Saleor (``tokenCreate``); ``call`` raises on GraphQL or mutation errors."""

    def __init__(self, api_url: str, email: str, password: str) -> None:
        self.api_url = api_url
        self.email = email
        self._password = password
        self._token = ""
        self._http = httpx.Client(timeout=httpx.Timeout(120.0, connect=5.0))
        self.sign_in()

    def sign_in(self) -> None:
        data = self.call(
            "mutation($e: String!, $p: String!) { tokenCreate(email: $e, password: $p) { token errors { message } } }",
            {"e": self.email, "p": self._password},
            authenticated=False,
        )
        if not data["tokenCreate"]["token"]:
            raise SaleorError(f"sign-in of {self.email} failed: {data['tokenCreate']['errors']}")
        self._token = data["tokenCreate"]["token"]

    def call(self, query: str, variables: dict[str, Any] | None = None, *, authenticated: bool = True) -> Any:
        headers = {"Authorization": f"Bearer {self._token}"} if authenticated else {}
        response = self._http.post(self.api_url, json={"query": query, "variables": variables or {}}, headers=headers)
        body = response.json()
        if body.get("errors"):
            message = "; ".join(str(e.get("message")) for e in body["errors"])
            if authenticated and "expired" in message.lower():  # staff access tokens live 5 minutes
                self.sign_in()
                return self.call(query, variables)
            raise SaleorError(f"Saleor answered errors: {message}")
        data = body["data"]
        for name, value in data.items():
            if isinstance(value, dict) and value.get("errors"):
                raise SaleorError(f"{name} refused: {value['errors']}")
        return data

    def close(self) -> None:
        self._http.close()

    # The catalogue -------------------------------------------------------------------------------------------

    def create_catalogue(self, skus: list[str]) -> Catalogue:
        cat = Catalogue()
        for key, name, reference in (("main", "Main warehouse", None), ("fba", "Amazon FBA", "amazon-fba")):
            data = self.call(
                "mutation($i: WarehouseCreateInput!) { createWarehouse(input: $i) { warehouse { id } errors "
                "{ field message code } } }",
                {"i": {"name": name, "address": WAREHOUSE_ADDRESS, "externalReference": reference}},
            )
            cat.warehouses[key] = data["createWarehouse"]["warehouse"]["id"]
        for slug, currency, country, _ in CHANNELS:
            data = self.call(
                "mutation($i: ChannelCreateInput!) { channelCreate(input: $i) { channel { id } errors "
                "{ field message code } } }",
                {
                    "i": {
                        "name": f"Amazon {country}",
                        "slug": slug,
                        "currencyCode": currency,
                        "defaultCountry": country,
                        "addWarehouses": list(cat.warehouses.values()),
                    }
                },
            )
            cat.channels[slug] = data["channelCreate"]["channel"]["id"]
        data = self.call(
            "mutation($i: TaxClassCreateInput!) { taxClassCreate(input: $i) { taxClass { id } errors "
            "{ field message code } } }",
            {"i": {"name": "Standard rate"}},
        )
        cat.tax_class = data["taxClassCreate"]["taxClass"]["id"]
        data = self.call(
            "mutation($i: ShippingZoneCreateInput!) { shippingZoneCreate(input: $i) { shippingZone { id } errors "
            "{ field message code } } }",
            {
                "i": {
                    "name": "Amazon marketplaces",
                    "countries": [country for _, _, country, _ in CHANNELS],
                    "addWarehouses": list(cat.warehouses.values()),
                    "addChannels": list(cat.channels.values()),
                }
            },
        )
        zone = data["shippingZoneCreate"]["shippingZone"]["id"]
        for key, name in (("standard", "Standard"), ("express", "Express"), ("fba", "Amazon FBA")):
            data = self.call(
                "mutation($i: ShippingPriceInput!) { shippingPriceCreate(input: $i) { shippingMethod { id } errors "
                "{ field message code } } }",
                {"i": {"name": name, "type": "PRICE", "shippingZone": zone, "taxClass": cat.tax_class}},
            )
            method = data["shippingPriceCreate"]["shippingMethod"]["id"]
            cat.shipping_methods[key] = method
            self.call(
                "mutation($id: ID!, $i: ShippingMethodChannelListingInput!) { shippingMethodChannelListingUpdate("
                "id: $id, input: $i) { errors { field message code } } }",
                {"id": method, "i": {"addChannels": [{"channelId": c, "price": "0"} for c in cat.channels.values()]}},
            )
        data = self.call(
            "mutation($i: ProductTypeInput!) { productTypeCreate(input: $i) { productType { id } errors "
            "{ field message code } } }",
            {"i": {"name": "Goods", "kind": "NORMAL", "isShippingRequired": True, "taxClass": cat.tax_class}},
        )
        cat.product_type = data["productTypeCreate"]["productType"]["id"]
        self.add_variants(cat, skus)
        return cat

    def add_variants(self, cat: Catalogue, skus: list[str]) -> None:
        """One product with one variant per SKU, listed in every channel and stocked in both warehouses."""
        products = [
            {
                "productType": cat.product_type,
                "name": f"Product {sku}",
                "channelListings": [
                    {"channelId": c, "isPublished": True, "isAvailableForPurchase": True} for c in cat.channels.values()
                ],
                "variants": [
                    {
                        "sku": sku,
                        "name": sku,
                        "attributes": [],
                        "trackInventory": True,
                        "stocks": [{"warehouse": w, "quantity": 1000} for w in cat.warehouses.values()],
                        "channelListings": [{"channelId": c, "price": "10"} for c in cat.channels.values()],
                    }
                ],
            }
            for sku in skus
        ]
        data = self.call(
            "mutation($p: [ProductBulkCreateInput!]!) { productBulkCreate(products: $p, errorPolicy: REJECT_EVERYTHING)"
            " { count results { product { variants { id sku } } errors { path message code } } errors "
            "{ path message code } } }",
            {"p": products},
        )
        for result in data["productBulkCreate"]["results"]:
            if result["errors"]:
                raise SaleorError(f"productBulkCreate refused: {result['errors']}")
            for variant in result["product"]["variants"]:
                cat.variants[variant["sku"]] = variant["id"]

    def create_group(self, name: str, permissions: list[str], user_ids: list[str]) -> str:
        data = self.call(
            "mutation($i: PermissionGroupCreateInput!) { permissionGroupCreate(input: $i) { group { id } errors "
            "{ field message code } } }",
            {"i": {"name": name, "addPermissions": permissions, "addUsers": user_ids}},
        )
        return str(data["permissionGroupCreate"]["group"]["id"])

    def user_id(self, email: str) -> str:
        data = self.call("query($e: String!) { user(email: $e) { id } }", {"e": email})
        return str(data["user"]["id"])

    # The app ------------------------------------------------------------------------------------------------

    def install_app(self, manifest_url: str, *, timeout: float = 120.0) -> str:
        """``appInstall`` as a merchant does (Saleor runs it as a Celery task); returns the installed app's id."""
        self.call(
            "mutation($i: AppInstallInput!) { appInstall(input: $i) { appInstallation { id } errors "
            "{ field message code } } }",
            {
                "i": {
                    "appName": "Amazon Seller Central",
                    "manifestUrl": manifest_url,
                    "permissions": list(APP_PERMISSIONS),
                    "activateAfterInstallation": True,
                }
            },
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            installs = self.call("{ appsInstallations { status message } }")["appsInstallations"]
            failed = [i for i in installs if i["status"] == "FAILED"]
            if failed:
                raise SaleorError(f"appInstall failed: {failed[0]['message']}")
            apps = self.call("{ apps(first: 10) { edges { node { id isActive } } } }")["apps"]["edges"]
            if apps and not installs:
                return str(apps[0]["node"]["id"])
            time.sleep(1.0)
        raise TimeoutError(f"appInstall did not finish within {timeout:.0f} s (is Saleor's Celery worker running?)")

    def dashboard_token(self, app_id: str) -> str:
        """The token the dashboard hands the app's pages for this staff user (``app(id){accessToken}``)."""
        return str(self.call("query($id: ID!) { app(id: $id) { accessToken } }", {"id": app_id})["app"]["accessToken"])

    def app_details(self, app_id: str) -> dict[str, Any]:
        query = """query($id: ID!) { app(id: $id) { id isActive permissions { code }
          webhooks { name isActive asyncEvents { eventType } syncEvents { eventType } }
          extensions { label mountName targetName } } }"""
        return dict(self.call(query, {"id": app_id})["app"])

    def delete_app(self, app_id: str) -> None:
        self.call(
            "mutation($id: ID!) { appDelete(id: $id) { errors { field message code } } }",
            {"id": app_id},
        )

    # Orders -------------------------------------------------------------------------------------------------

    def orders(self) -> list[dict[str, Any]]:
        query = """query($after: String) { orders(first: 100, after: $after) {
          pageInfo { hasNextPage endCursor }
          edges { node { id number externalReference status channel { slug currencyCode }
            total { gross { amount currency } }
            lines { id productSku quantity quantityFulfilled }
            billingAddress { country { code } } shippingAddress { country { code } }
            fulfillments { id status trackingNumber } } } } }"""
        out: list[dict[str, Any]] = []
        after = None
        while True:
            page = self.call(query, {"after": after})["orders"]
            out += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return out
            after = page["pageInfo"]["endCursor"]

    def fulfil(self, order: dict[str, Any], warehouse_id: str, tracking_number: str, *, partial: bool = False) -> None:
        lines = []
        for line in order["lines"]:
            quantity = line["quantity"] - line["quantityFulfilled"]
            if partial:
                quantity = min(quantity, 1)
            if quantity > 0:
                lines.append({"orderLineId": line["id"], "stocks": [{"warehouse": warehouse_id, "quantity": quantity}]})
            if partial:
                break
        self.call(
            "mutation($o: ID!, $i: OrderFulfillInput!) { orderFulfill(order: $o, input: $i) { errors "
            "{ field message code } } }",
            {"o": order["id"], "i": {"lines": lines, "trackingNumber": tracking_number, "notifyCustomer": False}},
        )

    def cancel(self, order_id: str) -> None:
        self.call(
            "mutation($id: ID!) { orderCancel(id: $id) { errors { field message code } } }",
            {"id": order_id},
        )
