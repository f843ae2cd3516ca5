"""Saleor lookups the mapping needs, batched and cached: SKUs → variants (≤ 100 per ``VariantsBySku`` call, cached
for one writer run), and channels with their currencies, tax classes, the shipping methods available per channel
and warehouse names (kept for a few minutes per installation, so a busy writer does not ask again every run)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from saleor_asc_app.orders.mapping import CatalogSnapshot, VariantRef
from saleor_asc_app.saleor.client import SaleorClient
from saleor_asc_app.saleor.graphql_client.fragments import VariantFields

SKUS_PER_CALL = 100
PAGE_SIZE = 100
# Tax classes the app picks by name when the store has them (docs/amazon-money.md, marketplace facilitator).
MARKETPLACE_FACILITATOR_TAX_CLASS = "amazon: marketplace facilitator"
SHIPPING_TAX_CLASS_WORD = "shipping"
STORE_DATA_TTL = timedelta(minutes=5)


class _Named(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class _NamedEdge(Protocol):
    @property
    def node(self) -> _Named: ...


class _PageInfo(Protocol):
    @property
    def has_next_page(self) -> bool: ...

    @property
    def end_cursor(self) -> str | None: ...


class _NamedPage(Protocol):
    """A Saleor connection of named nodes (tax classes, warehouses)."""

    @property
    def edges(self) -> Sequence[_NamedEdge]: ...

    @property
    def page_info(self) -> _PageInfo: ...


def variant_ref(node: VariantFields) -> VariantRef:
    product = node.product
    tax_class = product.tax_class or product.product_type.tax_class
    return VariantRef(
        id=node.id,
        sku=node.sku or "",
        product_name=product.name,
        variant_name=node.name,
        tax_class_id=tax_class.id if tax_class else None,
        is_shipping_required=product.product_type.is_shipping_required,
        warehouse_ids=frozenset(stock.warehouse.id for stock in node.stocks or ()),
    )


class SaleorCatalog:
    def __init__(self, client: SaleorClient, *, loaded_at: datetime | None = None) -> None:
        self._client = client
        self.loaded_at = loaded_at
        self._variants: dict[str, VariantRef | None] = {}
        self._channels: dict[str, str] | None = None
        self._shipping: dict[str, dict[str, str]] = {}
        self._tax_classes: dict[str, str] | None = None  # id -> name
        self._warehouses: dict[str, str] | None = None
        self.calls = 0

    async def variants(self, skus: Iterable[str]) -> dict[str, VariantRef]:
        """The variants of ``skus`` that Saleor has; looked up once per SKU and run."""
        missing = sorted({sku for sku in skus if sku and sku not in self._variants})
        for start in range(0, len(missing), SKUS_PER_CALL):
            chunk = missing[start : start + SKUS_PER_CALL]
            self.calls += 1
            result = await self._client.variants_by_sku(skus=chunk)
            found = {}
            for edge in result.product_variants.edges if result.product_variants else ():
                if edge.node.sku:
                    found[edge.node.sku] = variant_ref(edge.node)
            for sku in chunk:
                self._variants[sku] = found.get(sku)
        return {sku: ref for sku in skus if (ref := self._variants.get(sku)) is not None}

    async def channel_currencies(self) -> dict[str, str]:
        if self._channels is None:
            self.calls += 1
            channels = (await self._client.channels()).channels or []
            self._channels = {c.slug: c.currency_code for c in channels}
        return self._channels

    async def shipping_methods(self, channel_slug: str) -> dict[str, str]:
        if channel_slug not in self._shipping:
            self.calls += 1
            shop = (await self._client.available_shipping_methods(channel=channel_slug)).shop
            self._shipping[channel_slug] = {m.id: m.name for m in shop.available_shipping_methods or ()}
        return self._shipping[channel_slug]

    async def tax_classes(self) -> dict[str, str]:
        if self._tax_classes is None:

            async def page(after: str | None) -> _NamedPage | None:
                return (await self._client.tax_classes(first=PAGE_SIZE, after=after)).tax_classes

            self._tax_classes = await self._all_names(page)
        return self._tax_classes

    async def warehouse_names(self) -> dict[str, str]:
        if self._warehouses is None:

            async def page(after: str | None) -> _NamedPage | None:
                return (await self._client.warehouses(first=PAGE_SIZE, after=after)).warehouses

            self._warehouses = await self._all_names(page)
        return self._warehouses

    async def _all_names(self, page_after: Callable[[str | None], Awaitable[_NamedPage | None]]) -> dict[str, str]:
        """Every node's id → name, page by page."""
        names: dict[str, str] = {}
        after: str | None = None
        while True:
            self.calls += 1
            page = await page_after(after)
            if page is None:
                break
            names.update({edge.node.id: edge.node.name for edge in page.edges})
            if not page.page_info.has_next_page:
                break
            after = page.page_info.end_cursor
        return names

    def for_run(self, client: SaleorClient) -> SaleorCatalog:
        """This catalogue for another writer run: store data kept, variants looked up afresh."""
        self._client = client
        self._variants.clear()
        return self

    def forget_variants(self) -> None:
        """Look SKUs up again (a replay after staff added variants)."""
        self._variants.clear()

    async def snapshot(self, skus: Iterable[str], channel_slugs: Iterable[str]) -> CatalogSnapshot:
        currencies = await self.channel_currencies()
        slugs = sorted({slug for slug in channel_slugs if slug in currencies})
        shipping = {slug: await self.shipping_methods(slug) for slug in slugs}
        classes = await self.tax_classes()
        by_name = {name.strip().lower(): class_id for class_id, name in classes.items()}
        shipping_class = next(
            (class_id for name, class_id in sorted(by_name.items()) if SHIPPING_TAX_CLASS_WORD in name), None
        )
        return CatalogSnapshot(
            channel_currencies=currencies,
            variants=await self.variants(skus),
            shipping_methods=shipping,
            marketplace_facilitator_tax_class_id=by_name.get(MARKETPLACE_FACILITATOR_TAX_CLASS),
            shipping_tax_class_id=shipping_class,
            warehouse_names=await self.warehouse_names(),
        )


def run_catalog(
    catalogs: dict[uuid.UUID, SaleorCatalog], installation_id: uuid.UUID, client: SaleorClient, now: datetime
) -> SaleorCatalog:
    """The installation's catalogue for a writer run, reusing store data younger than ``STORE_DATA_TTL``
    (``catalogs``: the process's, ``AppState.catalogs``)."""
    catalog = catalogs.get(installation_id)
    if catalog is None or catalog.loaded_at is None or now - catalog.loaded_at > STORE_DATA_TTL:
        catalog = catalogs[installation_id] = SaleorCatalog(client, loaded_at=now)
    return catalog.for_run(client)
