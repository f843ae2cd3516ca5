from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from saleor_asc_app.saleor.client import SaleorClient, create_saleor_client
from tests.contracts import schema_324_path
from tests.doubles.saleor_double import DemoStore, SaleorDouble
from tests.doubles.saleor_double.models import App

APP_PERMISSIONS = ["MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS"]


def make_double(**kwargs: object) -> SaleorDouble:
    return SaleorDouble(extra_schema_paths=[schema_324_path()], **kwargs)  # type: ignore[arg-type]


@dataclass
class Store:
    double: SaleorDouble
    demo: DemoStore
    app: App
    token: str
    http: httpx.AsyncClient

    def client(self, token: str | None = None) -> SaleorClient:
        return create_saleor_client(self.double.api_url, token or self.token, self.http)


@pytest.fixture
def double() -> SaleorDouble:
    return make_double()


@pytest.fixture
async def store(double: SaleorDouble) -> AsyncIterator[Store]:
    demo = double.seed_demo()
    app, token = double.create_app("saleor-asc-app", APP_PERMISSIONS)
    async with double.client() as http:
        yield Store(double, demo, app, token, http)
    assert double.violations == [], "every document sent to the double must validate against 3.23 and 3.24"
