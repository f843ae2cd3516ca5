"""The difference between two configurations, as the audit trail records it."""

from __future__ import annotations

from typing import Any

SECRET_SET = "[set]"
SECRET_CHANGED = "[changed]"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by dotted camelCase path (as the API names fields); list items with an ``id`` are keyed by it,
    so reordering connections is no change."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{camel(str(key))}" if prefix else camel(str(key))))
        return out
    if isinstance(value, list | tuple):
        if value and all(isinstance(item, dict) and "id" in item for item in value):
            out = {}
            for item in value:
                out.update(flatten({k: v for k, v in item.items() if k != "id"}, f"{prefix}[{item['id']}]"))
            return out
        return {prefix: list(value)}
    return {prefix: value}


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    before, after = flatten(old), flatten(new)
    changes = []
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            changes.append({"path": path, "old": before.get(path), "new": after.get(path)})
    return changes


def secret_changes(old_ids: set[str], new_ids: set[str], replaced: set[str]) -> list[dict[str, Any]]:
    """Entries for refresh tokens: only whether one was set, replaced or removed, never its value."""
    changes = []
    for connection_id in sorted(old_ids | new_ids):
        path = f"connections[{connection_id}].refreshToken"
        if connection_id not in old_ids:
            changes.append({"path": path, "old": None, "new": SECRET_SET})
        elif connection_id not in new_ids:
            changes.append({"path": path, "old": SECRET_SET, "new": None})
        elif connection_id in replaced:
            changes.append({"path": path, "old": SECRET_SET, "new": SECRET_CHANGED})
    return changes
