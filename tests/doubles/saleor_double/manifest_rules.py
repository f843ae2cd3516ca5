"""Manifest validation: Saleor's `clean_manifest_data` plus the dashboard's stricter extension rules, so a
manifest the double accepts is accepted by Saleor 3.22–3.24 and its dashboard (docs/saleor.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from graphql import GraphQLEnumType, GraphQLSchema, OperationDefinitionNode

from tests.doubles.saleor_double.schemas import DocumentChecker
from tests.doubles.saleor_double.webhooks import events_in_subscription

TARGETS = {"POPUP", "APP_PAGE", "NEW_TAB", "WIDGET"}
WIDGET_MOUNTS = {
    "ORDER_DETAILS_WIDGETS",
    "PRODUCT_DETAILS_WIDGETS",
    "VOUCHER_DETAILS_WIDGETS",
    "DRAFT_ORDER_DETAILS_WIDGETS",
    "GIFT_CARD_DETAILS_WIDGETS",
    "CUSTOMER_DETAILS_WIDGETS",
    "COLLECTION_DETAILS_WIDGETS",
    "HOMEPAGE_WIDGETS",
}
_ENTITIES = {
    "PRODUCT": ("OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS", "DETAILS_MORE_ACTIONS"),
    "ORDER": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "DRAFT_ORDER": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "CUSTOMER": ("OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS", "DETAILS_MORE_ACTIONS"),
    "CATEGORY": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "COLLECTION": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "GIFT_CARD": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "VOUCHER": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "DISCOUNT": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "MENU": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "PAGE": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
    "PAGE_TYPE": ("DETAILS_MORE_ACTIONS", "OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS"),
}
MOUNTS = (
    {f"{entity}_{suffix}" for entity, suffixes in _ENTITIES.items() for suffix in suffixes}
    | WIDGET_MOUNTS
    | {
        "NAVIGATION_CATALOG",
        "NAVIGATION_ORDERS",
        "NAVIGATION_CUSTOMERS",
        "NAVIGATION_DISCOUNTS",
        "NAVIGATION_TRANSLATIONS",
        "NAVIGATION_PAGES",
        "TRANSLATIONS_MORE_ACTIONS",
        "SEARCH_ACTION",
    }
)
_APP_URL = re.compile(r"^https?://[^\s/:]+(:\d+)?(/\S*)?$", re.IGNORECASE)
_COMPARATOR = re.compile(r"^(>=|<=|>|<|=|\^|~)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$")


@dataclass(frozen=True)
class ManifestError:
    field: str
    code: str
    message: str


def _enum_values(schema: GraphQLSchema, name: str) -> set[str]:
    enum = schema.get_type(name)
    return set(enum.values) if isinstance(enum, GraphQLEnumType) else set()


def version_satisfies(version: str, constraint: str) -> bool:
    """A small npm-semver subset: `||` alternatives of space-separated comparators (`>=3.21 <4`, `^3.20`)."""
    current = tuple(int(p) for p in version.split("-")[0].split(".")[:3])
    for alternative in constraint.split("||"):
        ok = True
        for token in alternative.split():
            match = _COMPARATOR.match(token)
            if not match:
                return False
            op = match.group(1) or "="
            parts = [match.group(2), match.group(3), match.group(4)]
            nums = tuple(int(p) if p and p.isdigit() else 0 for p in parts)
            if op == "^":
                ok &= nums <= current < (nums[0] + 1, 0, 0)
            elif op == "~":
                ok &= nums <= current < (nums[0], nums[1] + 1, 0)
            elif op == ">=":
                ok &= current >= nums
            elif op == ">":
                ok &= current > nums
            elif op == "<=":
                ok &= current <= nums
            elif op == "<":
                ok &= current < nums
            else:
                given = sum(1 for p in parts if p and p.isdigit())
                ok &= current[:given] == nums[:given]
        if ok:
            return True
    return False


def validate_manifest(
    manifest: Any, *, schema: GraphQLSchema, checker: DocumentChecker, saleor_version: str
) -> list[ManifestError]:
    errors: list[ManifestError] = []

    def add(field: str, code: str, message: str) -> None:
        errors.append(ManifestError(field, code, message))

    if not isinstance(manifest, dict):
        return [ManifestError("manifest", "INVALID", "The manifest is not a JSON object.")]
    for key in ("id", "version", "name"):
        if not isinstance(manifest.get(key), str) or not manifest[key].strip():
            add(key, "REQUIRED", f"Field required: {key}.")
    if isinstance(manifest.get("version"), str) and len(manifest["version"]) > 60:
        add("version", "INVALID", "Ensure this value has at most 60 characters.")
    if "author" in manifest and (not isinstance(manifest["author"], str) or not manifest["author"].strip()):
        add("author", "INVALID", "Incorrect value for field: author.")
    token_url = manifest.get("tokenTargetUrl")
    if token_url is not None and not _APP_URL.match(str(token_url)):
        add("tokenTargetUrl", "INVALID_URL_FORMAT", "Incorrect format.")
    for key in ("appUrl", "configurationUrl", "dataPrivacyUrl", "homepageUrl", "supportUrl"):
        if isinstance(manifest.get(key), str) and len(manifest[key]) > 200:
            add(key, "INVALID", "Ensure this value has at most 200 characters.")
    permissions = manifest.get("permissions") or []
    known = _enum_values(schema, "PermissionEnum")
    for permission in permissions:
        if permission not in known:
            add("permissions", "INVALID_PERMISSION", "Given permissions don't exist.")
        elif permission == "MANAGE_APPS":
            add("permissions", "OUT_OF_SCOPE_PERMISSION", "App cannot request the MANAGE_APPS permission.")
    required = manifest.get("requiredSaleorVersion")
    if required is not None and not version_satisfies(saleor_version, str(required)):
        add("requiredSaleorVersion", "UNSUPPORTED_SALEOR_VERSION", "Saleor version doesn't satisfy the app.")
    _check_extensions(manifest, set(permissions), add)
    _check_webhooks(manifest, schema, checker, add)
    return errors


def _check_extensions(manifest: dict[str, Any], permissions: set[str], add: Any) -> None:
    app_url = manifest.get("appUrl")
    identifiers: set[str] = set()
    for i, extension in enumerate(manifest.get("extensions") or []):
        field = f"extensions[{i}]"
        for key in ("label", "url", "mount"):
            if not isinstance(extension.get(key), str) or not extension[key]:
                add(f"{field}.{key}", "REQUIRED", f"Field required: {key}.")
        mount = str(extension.get("mount", "")).upper()
        target = str(extension.get("target", "POPUP")).upper()
        url = str(extension.get("url", ""))
        if mount not in MOUNTS:
            add(f"{field}.mount", "INVALID", f"Unknown mount {mount} (the dashboard rejects it).")
        if target not in TARGETS:
            add(f"{field}.target", "INVALID", f"Unknown target {target}.")
        if target == "WIDGET" and mount not in WIDGET_MOUNTS:
            add(f"{field}.target", "INVALID", "WIDGET target is not allowed on this mount.")
        if not set(extension.get("permissions") or []) <= permissions:
            add(
                f"{field}.permissions",
                "OUT_OF_SCOPE_PERMISSION",
                "Extension permission must be listed in App's permissions.",
            )
        if url.startswith("/"):
            if not app_url:
                add(f"{field}.url", "INVALID_URL_FORMAT", "Relative extension URL needs appUrl.")
        elif not _APP_URL.match(url):
            add(f"{field}.url", "INVALID_URL_FORMAT", "Incorrect format.")
        if target == "APP_PAGE" and not url.startswith("/"):
            add(f"{field}.url", "INVALID_URL_FORMAT", "APP_PAGE extension URL must be relative (start with /).")
        options = extension.get("options") or {}
        if "newTabTarget" in options and target != "NEW_TAB":
            add(f"{field}.options", "INVALID", "newTabTarget is only allowed with target NEW_TAB.")
        if "widgetTarget" in options and target != "WIDGET":
            add(f"{field}.options", "INVALID", "widgetTarget is only allowed with target WIDGET.")
        identifier = extension.get("identifier")
        if identifier:
            if identifier in identifiers:
                add(f"{field}.identifier", "UNIQUE", "Extension identifier must be unique.")
            identifiers.add(identifier)


def _check_webhooks(manifest: dict[str, Any], schema: GraphQLSchema, checker: DocumentChecker, add: Any) -> None:
    async_events = _enum_values(schema, "WebhookEventTypeAsyncEnum")
    sync_events = _enum_values(schema, "WebhookEventTypeSyncEnum")
    for i, webhook in enumerate(manifest.get("webhooks") or []):
        field = f"webhooks[{i}]"
        for key in ("name", "targetUrl", "query"):
            if not isinstance(webhook.get(key), str) or not webhook[key]:
                add(f"{field}.{key}", "REQUIRED", f"Field required: {key}.")
        scheme = urlparse(str(webhook.get("targetUrl", ""))).scheme
        if scheme not in ("http", "https", "awssqs", "gcpubsub"):
            add(f"{field}.targetUrl", "INVALID_URL_FORMAT", "Invalid target URL scheme.")
        for event in webhook.get("asyncEvents") or []:
            if event not in async_events:
                add(f"{field}.asyncEvents", "INVALID", "Invalid asynchronous event.")
        for event in webhook.get("syncEvents") or []:
            if event not in sync_events:
                add(f"{field}.syncEvents", "INVALID", "Invalid synchronous event.")
        headers = webhook.get("customHeaders") or {}
        if len(headers) > 5:
            add(f"{field}.customHeaders", "INVALID_CUSTOM_HEADERS", "Number of custom headers exceeds 5.")
        for key, value in headers.items():
            lowered = key.lower()
            if not (lowered.startswith("x-") or lowered.startswith("authorization") or lowered == "brokerproperties"):
                add(f"{field}.customHeaders", "INVALID_CUSTOM_HEADERS", f'"{key}" is not a valid header key.')
            if len(key) + len(str(value)) + 2 > 998:
                add(f"{field}.customHeaders", "INVALID_CUSTOM_HEADERS", "Header is too long.")
        query = webhook.get("query")
        if not isinstance(query, str):
            continue
        document, rejected = checker.check(query)
        if document is None or rejected:
            add(f"{field}.query", "INVALID", f"Subscription query is not valid: {rejected}")
            continue
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation.value != "subscription":
            add(f"{field}.query", "INVALID", "Query must be a single subscription.")
            continue
        if len(operations[0].selection_set.selections) != 1:
            add(f"{field}.query", "INVALID", "Subscription must select only one top field.")
        if not (webhook.get("asyncEvents") or webhook.get("syncEvents")) and not events_in_subscription(document):
            add(f"{field}.query", "MISSING_EVENT", "Can't find any event in the subscription query.")
