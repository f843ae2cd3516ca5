"""Listings Items patchListingsItem: quantity patches on the seller's catalog."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from saleor_asc_app.simulator.catalog import Product
from saleor_asc_app.simulator.http import Call, SimError, invalid, json_response

FULFILLMENT_AVAILABILITY = "/attributes/fulfillment_availability"
UNKNOWN_SKU_CODE = "4000001"  # the simulator's own codes, in Amazon's numeric style
MISSING_VALUE_CODE = "90220"
INVALID_VALUE_CODE = "99010"


def check_patches(patches: Any) -> tuple[list[dict[str, Any]], int | None]:
    """Problems of a patch list (issues without messageId/sku) and the quantity it sets, if any."""
    issues: list[dict[str, Any]] = []
    quantity: int | None = None
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
            if value is None:
                issues.append(
                    _issue(MISSING_VALUE_CODE, "'quantity' is required but not supplied.", "fulfillment_availability")
                )
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                issues.append(
                    _issue(
                        INVALID_VALUE_CODE,
                        f"The value '{value}' provided for 'quantity' is invalid: it must be a whole number of 0 "
                        "or more.",
                        "fulfillment_availability",
                    )
                )
            elif entry["fulfillment_channel_code"] == "DEFAULT":
                quantity = value
    return issues, quantity


def _issue(code: str, message: str, attribute: str | None) -> dict[str, Any]:
    issue: dict[str, Any] = {"code": code, "message": message, "severity": "ERROR"}
    if attribute:
        issue["attributeName"] = attribute
    return issue


def unknown_sku_message(sku: str) -> str:
    return f"The SKU '{sku}' does not match any listing of this seller in the requested marketplaces."


async def patch_listings_item(call: Call) -> Response:
    seller_id, sku = call.path("sellerId"), call.path("sku")
    if seller_id != call.seller.seller_id:
        raise SimError(
            403,
            "Unauthorized",
            "Access to requested resource is denied.",
            "The sellerId does not match the authorized seller.",
        )
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
    quantity: int | None = None
    if product is None:
        issues.append({"code": UNKNOWN_SKU_CODE, "message": unknown_sku_message(sku), "severity": "ERROR"})
    else:
        issues, quantity = check_patches(body.get("patches"))
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
    if valid and mode is None and product is not None and quantity is not None:
        apply_quantity(product, marketplace_ids, quantity, call)
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


def apply_quantity(product: Product, marketplace_ids: list[str], quantity: int, call: Call) -> None:
    for marketplace_id in marketplace_ids:
        product.listing_quantity[marketplace_id] = quantity
    product.updated = call.now
