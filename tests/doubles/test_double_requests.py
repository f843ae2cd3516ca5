"""The double validates every document against both schemas, records requests, and checks auth like Saleor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.saleor.errors import SaleorAuthError
from tests.doubles.conftest import Store, make_double
from tests.doubles.saleor_double import SaleorDouble


async def _post(double: SaleorDouble, query: str, token: str | None = None, **variables: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with double.client() as http:
        return await http.post("/graphql/", json={"query": query, "variables": variables}, headers=headers)


async def test_document_invalid_for_both_schemas_is_refused_and_recorded(double: SaleorDouble) -> None:
    _app, token = double.create_app("a", ["MANAGE_ORDERS"])
    answer = await _post(double, "query Bad { shop { notAField } }", token)
    assert answer.status_code == 400 and "data" not in answer.json()
    assert "notAField" in answer.json()["errors"][0]["message"]
    assert {v.schema for v in double.violations} == {"3.23.28 (pinned)", "schema-3.24-main.graphql"}
    assert double.violations[0].operation_name is None and "notAField" in double.violations[0].query


async def test_document_valid_only_for_323_is_still_a_violation(double: SaleorDouble) -> None:
    _app, token = double.create_app("a", ["MANAGE_PRODUCTS"])
    # `ProductType.isDigital` is deprecated in 3.23.28 and gone in 3.24.
    answer = await _post(
        double, "{ productVariants(first: 1) { edges { node { product { productType { isDigital } } } } } }", token
    )
    assert answer.status_code == 400
    assert [v.schema for v in double.violations] == ["schema-3.24-main.graphql"]


async def test_syntax_errors_and_limits(double: SaleorDouble) -> None:
    _app, token = double.create_app("a", ["MANAGE_PRODUCTS"])
    assert (await _post(double, "{ shop {", token)).status_code == 400
    too_many = await _post(double, "{ productVariants(first: 101) { edges { node { id } } } }", token)
    assert "exceeds the `first` limit of 100" in too_many.json()["errors"][0]["message"]
    unpaged = await _post(double, "{ productVariants { edges { node { id } } } }", token)
    assert "You must provide a `first` or `last`" in unpaged.json()["errors"][0]["message"]
    mutations = "mutation { " + " ".join(f'm{i}: orderCancel(id: "x") {{ errors {{ code }} }}' for i in range(5)) + " }"
    assert (await _post(double, mutations, token)).status_code == 400


async def test_requests_are_recorded_with_headers_query_and_variables(store: Store) -> None:
    await store.client().variants_by_sku(["MUG-BLUE-350"])
    recorded = store.double.requests[-1]
    assert recorded.headers["authorization"] == f"Bearer {store.token}"
    assert recorded.operation_name == "VariantsBySku"
    assert recorded.variables == {"skus": ["MUG-BLUE-350"]}
    assert recorded.query is not None and "productVariants(where:" in recorded.query
    assert recorded.status == 200


async def test_anonymous_and_unknown_tokens_get_permission_denied(double: SaleorDouble) -> None:
    for token in (None, "not-a-real-token"):
        answer = await _post(double, "{ channels { slug } }", token)
        error = answer.json()["errors"][0]
        assert error["extensions"]["exception"]["code"] == "PermissionDenied"
        assert error["message"] == (
            "To access this path, you need one of the following permissions: AUTHENTICATED_APP, "
            "AUTHENTICATED_STAFF_USER"
        )


async def test_field_level_permissions_follow_the_schema(store: Store) -> None:
    _app, token = store.double.create_app("no-products", ["MANAGE_ORDERS_IMPORT"])
    answer = await _post(
        store.double, "{ productVariants(first: 1) { edges { node { sku stocks { quantity } } } } }", token
    )
    body = answer.json()
    assert body["errors"][0]["path"][-1] == "stocks"
    assert "MANAGE_PRODUCTS, MANAGE_ORDERS" in body["errors"][0]["message"]


async def test_me_needs_a_user_token(store: Store) -> None:
    assert (await store.client().me()).me is None
    user = store.demo.staff["eu-manager"]
    me = (await store.client(store.double.issue_dashboard_token(user, store.app)).me()).me
    assert me is not None and me.email == "eu.manager@example.com"
    assert [g.name for g in me.permission_groups or []] == ["EU order managers"]
    assert me.restricted_access_to_channels is True
    assert sorted(c.slug for c in me.accessible_channels or []) == ["amazon-de", "amazon-uk"]


async def test_authorization_bearer_header_and_jwt_prefix_work(store: Store) -> None:
    token = store.double.issue_access_token(store.demo.staff["admin"])
    for headers in ({"Authorization-Bearer": token}, {"Authorization": f"JWT {token}"}):
        async with store.double.client() as http:
            answer = await http.post("/graphql/", json={"query": "{ me { email } }"}, headers=headers)
        assert answer.json()["data"]["me"]["email"] == "admin@example.com"


async def test_permission_groups_need_manage_staff(store: Store) -> None:
    with pytest.raises(SaleorAuthError):
        await store.client().permission_groups(first=10)
    _app, token = store.double.create_app("staff-reader", ["MANAGE_STAFF"])
    groups = await store.client(token).permission_groups(first=10)
    by_name = {edge.node.name: edge.node for edge in groups.permission_groups.edges}  # type: ignore[union-attr]
    assert by_name["EU order managers"].restricted_access_to_channels is True
    assert {u.email for u in by_name["Full Access"].users or []} >= {"admin@example.com"}
    staff = await store.client(token).staff_with_permission(first=100)
    holders = {
        edge.node.email
        for edge in staff.staff_users.edges  # type: ignore[union-attr]
        if "MANAGE_APPS" in {p.code.value for p in edge.node.user_permissions or []}
    }
    assert holders == {"admin@example.com", "pii.viewer@example.com"}, "inactive staff are filtered out"


async def test_dashboard_token_is_limited_to_the_app_permissions(store: Store) -> None:
    admin = store.demo.staff["admin"]
    token = store.double.issue_dashboard_token(admin, store.app)
    with pytest.raises(SaleorAuthError):
        await store.client(token).permission_groups(first=10)  # admin holds MANAGE_STAFF; the app does not
    assert (await store.client(token).order_by_external_reference("none")).order is None


async def test_expired_and_foreign_tokens_fail_every_root_field() -> None:
    clock = VirtualClock(datetime(2026, 3, 1, tzinfo=UTC))
    double = make_double(clock=clock)
    demo = double.seed_demo()
    app, _token = double.create_app("a", ["MANAGE_ORDERS"])
    token = double.issue_dashboard_token(demo.staff["admin"], app)
    clock.advance(timedelta(minutes=5, seconds=1).total_seconds())
    answer = await _post(double, "{ me { id } }", token)
    assert answer.json()["errors"][0]["extensions"]["exception"]["code"] == "ExpiredSignatureError"
    fresh = double.issue_dashboard_token(demo.staff["admin"], app)
    double.rotate_key()
    answer = await _post(double, "{ me { id } }", fresh)
    assert answer.json()["errors"][0]["extensions"]["exception"]["code"] == "InvalidSignatureError"
    assert answer.json()["data"] == {"me": None}
