"""≥ 200 generated hostile webhooks against every endpoint of the app's webhook registry: none is accepted, none
causes a 5xx (except the 503 for a key id that cannot be looked up yet: it may be Saleor's rotated key), and
nothing is stored (no webhook event, no job, no installation removed by a forged APP_DELETED)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.security.conftest import TwoStores
from tests.security.hostile_webhooks import UNCHECKABLE_KEY_STATUS, Generator, HostileRequest, valid_request

SHORT_COUNT = 240
LONG_COUNT = 4000


async def send(stores: TwoStores, case: HostileRequest) -> int:
    headers = {
        name.encode("ascii"): value.encode() for name, value in case.headers.items()
    }  # bytes: non-ASCII values go as UTF-8
    response = await stores.env.client.request(case.method, case.path, content=case.content(), headers=headers)
    if 400 <= response.status_code < 500 and case.method == "POST":
        assert response.json()["success"] is False, (str(case), response.text)
    if response.status_code == UNCHECKABLE_KEY_STATUS:
        assert response.json()["error"]["code"] == "SIGNATURE_NOT_CHECKABLE_YET", (str(case), response.text)
    return response.status_code


async def run_suite(stores: TwoStores, count: int, seed: int) -> Counter[str]:
    definitions = stores.env.state.webhooks.all()
    assert definitions, "the app declares no webhook endpoints"
    cases = Generator(stores, definitions, seed=seed).generate(count)
    before = await stores.counts()
    failures = []
    categories: Counter[str] = Counter()
    for case in cases:
        status = await send(stores, case)
        categories[case.category] += 1
        if status not in case.expected:
            failures.append(f"{case} answered {status}")
    assert failures == [], "\n".join(failures[:40])
    assert await stores.counts() == before
    return categories


async def test_generated_hostile_webhooks_are_refused_and_store_nothing(two_stores: TwoStores) -> None:
    categories = await run_suite(two_stores, SHORT_COUNT, seed=9)
    assert sum(categories.values()) >= 200
    assert len(categories) == 10, categories  # every category was exercised


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_many_more_hostile_webhooks(two_stores: TwoStores, seed: int) -> None:
    await run_suite(two_stores, LONG_COUNT, seed=seed)


async def test_the_unmodified_deliveries_are_accepted(two_stores: TwoStores) -> None:
    """The control: without its one defect, each generated request would be accepted, so each refusal above is
    caused by the defect and not by a broken baseline."""
    # APP_DELETED last: accepting it removes the installation.
    definitions = sorted(two_stores.env.state.webhooks.all(), key=lambda d: d.event == "APP_DELETED")
    for definition in definitions:
        case = valid_request(two_stores, definition, salt=1)
        assert await send(two_stores, case) in case.expected, definition.event
