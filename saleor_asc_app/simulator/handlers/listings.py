"""Listings Items patchListingsItem: quantity patches on the seller's catalog."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.responses import Response

from saleor_asc_app.amazon.regions import marketplace
from saleor_asc_app.simulator.catalog import Product
from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response
from saleor_asc_app.simulator.wire import iso

FULFILLMENT_AVAILABILITY = "/attributes/fulfillment_availability"
UNKNOWN_SKU_CODE = "4000001"  # the simulator's own codes, in Amazon's numeric style
MISSING_VALUE_CODE = "90220"
INVALID_VALUE_CODE = "99010"


@dataclass
class AvailabilityChange:
    """What a valid patch list does to the merchant-fulfilled (DEFAULT) `fulfillment_availability` entry."""

    op: str  # add | replace | merge
    entry: dict[str, Any]


def check_patches(patches: Any) -> tuple[list[dict[str, Any]], AvailabilityChange | None]:
    """Problems of a patch list (issues without messageId/sku) and the change it makes to the DEFAULT entry, if any.

    `merge` (listings changelog 2025-06-16) names its entries by the selector `fulfillment_channel_code` and changes
    only the fields it carries; `add`/`replace` set the whole attribute, so fields left out are gone.
    """
    issues: list[dict[str, Any]] = []
    change: AvailabilityChange | None = None
    if not isinstance(patches, list) or not patches:
        return [_issue(MISSING_VALUE_CODE, "'patches' is required but not supplied.", None)], None
    for patch in patches:
        if not isinstance(patch, dict) or patch.get("op") not in ("add", "replace", "merge", "delete"):
            issues.append(_issue(INVALID_VALUE_CODE, "Each patch needs an op of add, replace, merge or delete.", None))
            continue
        if patch.get("path") != FULFILLMENT_AVAILABILITY or patch["op"] == "delete":
            continue  # other attributes are accepted as they are
        values = patch.get("value")
        if not isinstance(values, list) or not values:
            issues.append(
                _issue(
                    MISSING_VALUE_CODE,
                    "'fulfillment_availability' is required but not supplied.",
                    "fulfillment_availability",
                )
            )
            continue
        for entry in values:
            if not isinstance(entry, dict) or not entry.get("fulfillment_channel_code"):
                issues.append(
                    _issue(
                        MISSING_VALUE_CODE,
                        "'fulfillment_channel_code' is required but not supplied.",
                        "fulfillment_availability",
                    )
                )
                continue
            value = entry.get("quantity")
            if value is None and patch["op"] != "merge":
                issues.append(
                    _issue(MISSING_VALUE_CODE, "'quantity' is required but not supplied.", "fulfillment_availability")
                )
            elif value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                issues.append(
                    _issue(
                        INVALID_VALUE_CODE,
                        f"The value '{value}' provided for 'quantity' is invalid: it must be a whole number of 0 "
                        "or more.",
                        "fulfillment_availability",
                    )
                )
            elif entry["fulfillment_channel_code"] == "DEFAULT":
                change = AvailabilityChange(patch["op"], dict(entry))
    return issues, change


def _issue(code: str, message: str, attribute: str | None) -> dict[str, Any]:
    issue: dict[str, Any] = {"code": code, "message": message, "severity": "ERROR"}
    if attribute:
        issue["attributeName"] = attribute
    return issue


def _check_seller(seller_id: str, call: Call) -> None:
    if seller_id != call.seller.seller_id:
        raise SimError(
            403,
            "Unauthorized",
            "Access to requested resource is denied.",
            "The sellerId does not match the authorized seller.",
        )


def unknown_sku_message(sku: str) -> str:
    return f"The SKU '{sku}' does not match any listing of this seller in the requested marketplaces."


async def patch_listings_item(call: Call) -> Response:
    sku = call.path("sku")
    _check_seller(call.path("sellerId"), call)
    marketplace_ids = call.query.array("marketplaceIds")
    if not marketplace_ids:
        raise invalid("Missing required parameter marketplaceIds.")
    for marketplace_id in marketplace_ids:
        if marketplace_id not in call.seller.marketplace_ids:
            raise invalid(f"Invalid marketplaceId {marketplace_id}.")
    mode = call.query.string("mode")
    if mode not in (None, "VALIDATION_PREVIEW"):
        raise invalid("mode must be VALIDATION_PREVIEW.")
    included = call.query.array("includedData", enum=("identifiers", "issues")) or ["issues"]
    body = call.body
    if not isinstance(body, dict) or not isinstance(body.get("productType"), str):
        raise invalid("The request body must contain productType and patches.")
    product = call.seller.catalog.get(sku)
    issues: list[dict[str, Any]] = []
    change: AvailabilityChange | None = None
    if product is None or not all(product.listed_in(m) for m in marketplace_ids):
        issues.append({"code": UNKNOWN_SKU_CODE, "message": unknown_sku_message(sku), "severity": "ERROR"})
    else:
        issues, change = check_patches(body.get("patches"))
    submission_issues = [
        {
            "code": i["code"],
            "message": i["message"],
            "severity": i["severity"],
            **({"attributeNames": [i["attributeName"]]} if "attributeName" in i else {}),
            "categories": ["INVALID_ATTRIBUTE" if i["code"] != MISSING_VALUE_CODE else "MISSING_ATTRIBUTE"],
        }
        for i in issues
    ]
    valid = not issues
    if valid and mode is None and product is not None and change is not None:
        apply_availability(product, marketplace_ids, change, call.now)
    result: dict[str, Any] = {
        "sku": sku,
        "status": ("VALID" if valid else "INVALID") if mode else ("ACCEPTED" if valid else "INVALID"),
        "submissionId": uuid.uuid4().hex,
    }
    if "issues" in included:
        result["issues"] = submission_issues
    if "identifiers" in included and mode:
        result["identifiers"] = [{"marketplaceId": m, "asin": product.asin} for m in marketplace_ids] if product else []
    return json_response(result)


def apply_availability(product: Product, marketplace_ids: list[str], change: AvailabilityChange, now: datetime) -> None:
    details = {k: v for k, v in change.entry.items() if k not in ("fulfillment_channel_code", "quantity")}
    for marketplace_id in marketplace_ids:
        if change.op == "merge":
            product.fulfillment_details.setdefault(marketplace_id, {}).update(details)
        else:
            product.fulfillment_details[marketplace_id] = details
        if change.entry.get("quantity") is not None:
            product.listing_quantity[marketplace_id] = change.entry["quantity"]
    product.updated = now


SEARCH_PAGE_MAX = 20
SEARCH_RESULTS_MAX = 1000  # "the maximum number of items (SKUs) that can be returned and paged through"
_REGION_CHANNEL = {"NA": "AMAZON_NA", "EU": "AMAZON_EU", "FE": "AMAZON_FE"}


async def search_listings_items(call: Call) -> Response:
    """searchListingsItems: the seller's listings in the requested marketplaces, by SKU identifiers or all of them
    (sorted by SKU), with `summaries` (one per marketplace the SKU is listed in) and `fulfillmentAvailability`."""
    _check_seller(call.path("sellerId"), call)
    q = call.query
    marketplace_ids = q.array("marketplaceIds")
    if not marketplace_ids:
        raise invalid("Missing required parameter marketplaceIds.")
    for marketplace_id in marketplace_ids:
        if marketplace_id not in call.seller.marketplace_ids:
            raise invalid(f"Invalid marketplaceId {marketplace_id}.")
    included = q.array(
        "includedData",
        enum=("summaries", "attributes", "issues", "offers", "fulfillmentAvailability", "procurement",
              "relationships", "productTypes"),
    ) or ["summaries"]  # fmt: skip
    identifiers = q.array("identifiers", max_items=20)
    identifiers_type = q.string("identifiersType")
    if identifiers and not identifiers_type:
        raise invalid("identifiersType is required when identifiers are provided.")
    if identifiers_type and not identifiers:
        raise invalid("identifiers are required when identifiersType is provided.")
    if identifiers_type not in (None, "SKU"):
        raise invalid("The simulator searches by SKU identifiers only.")
    page_size = q.integer("pageSize", minimum=1, maximum=SEARCH_PAGE_MAX) or 10
    products = [
        p
        for p in sorted(call.seller.catalog.values(), key=lambda p: p.sku)
        if any(p.listed_in(m) for m in marketplace_ids) and (not identifiers or p.sku in identifiers)
    ][:SEARCH_RESULTS_MAX]
    offset = 0
    token = q.string("pageToken")
    if token:
        if not token.startswith("sim-page-") or not token[9:].isdigit():
            raise invalid("Invalid pageToken.")
        offset = int(token[9:])
    page = products[offset : offset + page_size]
    result: dict[str, Any] = {
        "numberOfResults": len(products),
        "items": [_listing_item(p, marketplace_ids, included, call) for p in page],
    }
    if offset + page_size < len(products):
        result["pagination"] = {"nextToken": f"sim-page-{offset + page_size}"}
    return json_response(result)


def _listing_item(product: Product, marketplace_ids: list[str], included: list[str], call: Call) -> dict[str, Any]:
    item: dict[str, Any] = {"sku": product.sku}
    if "summaries" in included:
        stamp = iso(product.updated or call.now)
        item["summaries"] = [
            {
                "marketplaceId": m,
                "asin": product.asin,
                "productType": product.product_type,
                "conditionType": "new_new",
                "status": ["BUYABLE", "DISCOVERABLE"],
                **({"fnSku": product.fn_sku} if m in product.fba_quantity else {}),
                "itemName": product.title,
                "createdDate": stamp,
                "lastUpdatedDate": stamp,
            }
            for m in marketplace_ids
            if product.listed_in(m)
        ]
    if "fulfillmentAvailability" in included:
        availability: list[dict[str, Any]] = []
        for m in marketplace_ids:
            if m in product.listing_quantity:
                availability.append({"fulfillmentChannelCode": "DEFAULT", "quantity": product.listing_quantity[m]})
            if m in product.fba_quantity:
                channel = _REGION_CHANNEL[marketplace(m).region.value]
                availability.append({"fulfillmentChannelCode": channel, "quantity": product.fba_quantity[m]})
        item["fulfillmentAvailability"] = availability
    return item
