"""Every document the app sends, and every webhook subscription, validates against Saleor 3.23.28 and 3.24."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    parse,
    validate,
    visit,
)

from saleor_asc_app.saleor.subscriptions import load_subscription, shared_fragments
from tests.contracts import REPO_ROOT, schema_323_path, schema_324_path
from tests.doubles.saleor_double.schemas import load_schema

OPERATIONS_DIR = REPO_ROOT / "graphql" / "operations"
SUBSCRIPTIONS_DIR = REPO_ROOT / "webhooks" / "subscriptions"
WEBHOOK_EVENTS = {
    "APP_DELETED",
    "ORDER_BULK_CREATED",
    "ORDER_CANCELLED",
    "FULFILLMENT_CREATED",
    "FULFILLMENT_APPROVED",
    "FULFILLMENT_TRACKING_NUMBER_UPDATED",
    "FULFILLMENT_CANCELED",
    "PRODUCT_VARIANT_STOCK_UPDATED",
    "PRODUCT_VARIANT_OUT_OF_STOCK",
    "PRODUCT_VARIANT_BACK_IN_STOCK",
}
# Buyer data the app must never pull out of Saleor through a webhook payload or a read.
PII_FIELDS = {"userEmail", "billingAddress", "shippingAddress", "customerNote", "phone", "firstName", "lastName"}


@pytest.fixture(scope="session")
def schemas() -> dict[str, GraphQLSchema]:
    return {"3.23.28": load_schema(schema_323_path()), "3.24-main": load_schema(schema_324_path())}


def _operation_definitions() -> tuple[list[OperationDefinitionNode], dict[str, FragmentDefinitionNode]]:
    operations: list[OperationDefinitionNode] = []
    fragments: dict[str, FragmentDefinitionNode] = {}
    for path in sorted(OPERATIONS_DIR.rglob("*.graphql")):
        for definition in parse(path.read_text()).definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations.append(definition)
            elif isinstance(definition, FragmentDefinitionNode):
                assert definition.name.value not in fragments, f"fragment {definition.name.value} defined twice"
                fragments[definition.name.value] = definition
    return operations, fragments


def _spreads(node: object) -> set[str]:
    found: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: object, *_: object) -> None:
            found.add(spread.name.value)  # type: ignore[attr-defined]

    visit(node, Spreads())  # type: ignore[arg-type]
    return found


def _with_fragments(operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]) -> DocumentNode:
    needed: set[str] = set()
    todo = list(_spreads(operation))
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(_spreads(fragments[name]))
    return DocumentNode(definitions=(operation, *(fragments[n] for n in sorted(needed))))


def _deprecated_uses(schema: GraphQLSchema, document: DocumentNode) -> list[str]:
    info = TypeInfo(schema)
    found: list[str] = []

    class Deprecated(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            field = info.get_field_def()
            if field is not None and field.deprecation_reason:
                found.append(f"{info.get_parent_type()}.{node.name.value}")

        def enter_argument(self, node: object, *_: object) -> None:
            argument = info.get_argument()
            if argument is not None and argument.deprecation_reason:
                found.append(f"argument {node.name.value}")  # type: ignore[attr-defined]

    visit(document, TypeInfoVisitor(info, Deprecated()))
    return found


def _field_names(document: DocumentNode) -> set[str]:
    names: set[str] = set()

    class Fields(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            names.add(node.name.value)

    visit(document, Fields())
    return names


OPERATIONS, FRAGMENTS = _operation_definitions()
SUBSCRIPTION_FILES = sorted(SUBSCRIPTIONS_DIR.glob("*.graphql"))


def test_operation_set_is_complete() -> None:
    names = {op.name.value for op in OPERATIONS if op.name}
    assert {
        "FetchAppId",
        "FetchAppDetails",
        "ShopInfo",
        "Channels",
        "Warehouses",
        "TaxClasses",
        "VariantsBySku",
        "AvailableShippingMethods",
        "OrderBulkCreate",
        "OrderByExternalReference",
        "OrderDetails",
        "OrderCancel",
        "OrderFulfill",
        "OrderNoteAdd",
        "UpdatePrivateMetadata",
        "UpdateMetadata",
        "Me",
        "PermissionGroups",
        "StaffWithPermission",
        "AppProblemCreate",
        "AppProblemDismiss",
        "VariantStocks",
    } <= names
    assert len(names) == len(OPERATIONS), "every operation is named, and names are unique"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name.value if op.name else "?")
def test_operation_validates_against_both_schemas(
    operation: OperationDefinitionNode, schemas: dict[str, GraphQLSchema]
) -> None:
    document = _with_fragments(operation, FRAGMENTS)
    for label, schema in schemas.items():
        errors = validate(schema, document)
        assert not errors, f"{label}: {[e.message for e in errors]}"
        assert _deprecated_uses(schema, document) == [], f"{label} deprecates a field or argument used here"
    assert not (_field_names(document) & PII_FIELDS), "operations must not read buyer PII back from Saleor"


def test_every_fragment_is_used() -> None:
    used = set().union(*(_spreads(op) for op in OPERATIONS))
    used |= set().union(*(_spreads(f) for f in FRAGMENTS.values()))
    assert set(FRAGMENTS) - used == set()


def test_every_shared_subscription_fragment_is_used_by_every_subscription() -> None:
    """The event metadata (who caused the event, whom it is for) is one fragment, spread by all ten documents."""
    assert set(shared_fragments()) == {"EventMetadata"}
    for path in SUBSCRIPTION_FILES:
        assert "...EventMetadata" in path.read_text(), path.name


def test_one_subscription_file_per_webhook_event() -> None:
    assert {path.stem.upper() for path in SUBSCRIPTION_FILES} == WEBHOOK_EVENTS
    assert not (REPO_ROOT / "webhooks" / "__init__.py").exists(), "webhooks/ is data, not a Python package"


@pytest.mark.parametrize("path", SUBSCRIPTION_FILES, ids=lambda p: p.stem)
def test_subscription_validates_against_both_schemas(path: Path, schemas: dict[str, GraphQLSchema]) -> None:
    document = parse(load_subscription(path.stem))  # with the shared fragments it spreads, as Saleor gets it
    for label, schema in schemas.items():
        errors = validate(schema, document)
        assert not errors, f"{label}: {[e.message for e in errors]}"
        assert _deprecated_uses(schema, document) == []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1 and operations[0].operation is OperationType.SUBSCRIPTION
    top = operations[0].selection_set.selections
    assert len(top) == 1 and isinstance(top[0], FieldNode) and top[0].name.value == "event"
    own = [d for d in parse(path.read_text()).definitions if isinstance(d, FragmentDefinitionNode)]
    assert len(own) == 1, "one payload fragment per file"
    payload = own[0]
    expected_type = "".join(part.capitalize() for part in path.stem.split("_"))
    assert payload.type_condition.name.value == expected_type
    assert payload.name.value == f"{expected_type}Payload"
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    top_level = {s.name.value for s in payload.selection_set.selections if isinstance(s, FieldNode)}
    for spread in (s for s in payload.selection_set.selections if isinstance(s, FragmentSpreadNode)):
        shared = fragments[spread.name.value].selection_set.selections
        top_level |= {s.name.value for s in shared if isinstance(s, FieldNode)}
    assert {"issuedAt", "version", "issuingPrincipal", "recipient"} <= top_level
    assert not _field_names(document) & (PII_FIELDS | {"email"}), "payloads carry no buyer or staff PII"
