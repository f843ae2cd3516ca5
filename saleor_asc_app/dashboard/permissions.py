"""Who may do what on the dashboard API. Authentication (a valid token of this app) happened before execution."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from saleor_asc_app.dashboard.auth import MANAGE_APPS


class IsStaffUser(BasePermission):
    message = "Only staff users of this Saleor store can use the app's pages."
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        return bool(info.context.user.claims.get("is_staff", False))


class CanManageApps(BasePermission):
    """Changing the configuration needs MANAGE_APPS in the user's own permissions, as Saleor's own apps require."""

    message = (
        "Changing the Amazon configuration needs the MANAGE_APPS permission (“Manage apps”). "
        "Ask a store administrator to add you to a group that has it."
    )
    error_extensions = {"code": "MISSING_PERMISSION"}

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        user = info.context.user
        return bool(user.claims.get("is_staff", False)) and user.has(MANAGE_APPS)
