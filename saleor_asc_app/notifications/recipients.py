"""Who receives a notification: the configured recipients (staff users, resolved to their e-mail, and plain
addresses), or, when none are configured (or none resolves), the active staff holding MANAGE_SETTINGS — the
“Edit Settings” fallback. Saleor cannot filter staff by permission, so active staff are paged and filtered here.
Reading staff needs MANAGE_STAFF, which the app holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saleor_asc_app.configuration.model import Recipient, RecipientKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.saleor.client import SaleorClient

log = get_logger(__name__)

FALLBACK_PERMISSION = "MANAGE_SETTINGS"
PAGE_SIZE = 100
MAX_PAGES = 50


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    email: str
    permissions: frozenset[str]


async def active_staff(client: SaleorClient) -> list[StaffMember]:
    members: list[StaffMember] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        page = (await client.staff_with_permission(first=PAGE_SIZE, after=after)).staff_users
        if page is None:
            break
        for edge in page.edges:
            node = edge.node
            if node.is_active:
                perms = frozenset(str(p.code.value) for p in node.user_permissions or ())
                members.append(StaffMember(node.id, node.email, perms))
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return members


def _unique(addresses: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        cleaned = address.strip()
        if cleaned and cleaned.lower() not in seen:
            seen[cleaned.lower()] = cleaned
    return sorted(seen.values(), key=str.lower)


async def resolve_recipients(client: SaleorClient, configured: Sequence[Recipient]) -> list[str]:
    """E-mail addresses to send to. Raises ``SaleorError`` when Saleor cannot be read (the caller retries)."""
    addresses = [r.value for r in configured if r.kind is RecipientKind.EMAIL]
    staff_ids = {r.value for r in configured if r.kind is RecipientKind.STAFF_USER}
    staff: list[StaffMember] | None = None
    if staff_ids:
        staff = await active_staff(client)
        addresses += [m.email for m in staff if m.id in staff_ids]
    resolved = _unique(addresses)
    if resolved:
        return resolved
    if configured:
        log.warning("no configured recipient could be resolved; falling back to staff with MANAGE_SETTINGS")
    staff = staff if staff is not None else await active_staff(client)
    return _unique([m.email for m in staff if FALLBACK_PERMISSION in m.permissions])
