"""Fault injection: the double fails the next requests like an overloaded Saleor; the client maps each failure."""

from __future__ import annotations

import httpx
import pytest

from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorUnavailable
from saleor_asc_app.saleor.graphql_client.enums import ErrorPolicyEnum, StockUpdatePolicyEnum
from tests.doubles.conftest import Store
from tests.doubles.orders_input import line, order


async def test_next_requests_of_one_operation_answer_503(store: Store) -> None:
    store.double.fail_next("Channels", status=503, times=2)
    client = store.client()
    for _ in range(2):
        with pytest.raises(SaleorUnavailable) as caught:
            await client.channels()
        assert caught.value.http_status == 503
    assert (await client.shop_info()).shop.version == "3.23.28", "other operations are unaffected"
    assert len((await client.channels()).channels or []) == 4, "the plan is used up"


async def test_rate_limit_carries_retry_after(store: Store) -> None:
    store.double.rate_limit_next(retry_after="3")
    with pytest.raises(SaleorUnavailable) as caught:
        await store.client().fetch_app_id()
    assert (caught.value.http_status, caught.value.retry_after) == (429, 3.0)


async def test_a_slow_answer_times_out_the_client(store: Store) -> None:
    store.double.delay_next("ShopInfo", seconds=2)
    async with store.double.client(timeout=httpx.Timeout(0.05)) as http:
        with pytest.raises(SaleorUnavailable, match="timed out"):
            await create_saleor_client(store.double.api_url, store.token, http).shop_info()


async def test_a_dropped_connection_is_unavailable(store: Store) -> None:
    store.double.disconnect_next()
    with pytest.raises(SaleorUnavailable):
        await store.client().shop_info()
    assert (await store.client().shop_info()).shop.name == "Saleor double"


async def test_faults_happen_before_any_state_change(store: Store) -> None:
    store.double.fail_next("OrderBulkCreate", status=502)
    with pytest.raises(SaleorUnavailable):
        await store.client().order_bulk_create(
            [order(store, "F-1", [line(store, "MUG-BLUE-350", 1, "12.00")])],
            ErrorPolicyEnum.REJECT_FAILED_ROWS,
            StockUpdatePolicyEnum.UPDATE,
        )
    assert store.double.state.orders == {} and store.double.state.events == []
