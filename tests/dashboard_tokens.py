"""Dashboard tokens as Saleor issues them, optionally with changed claims (re-signed with Saleor's current key)."""

from __future__ import annotations

from typing import Any

import jwt

from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App


def dashboard_token(saleor: SaleorDouble, app: App, email: str, /, **claim_overrides: Any) -> str:
    """The token Saleor gives staff user ``email`` for ``app``; an override of ``None`` removes that claim."""
    user = saleor.state.staff_by_email(email)
    assert user is not None, email
    token = saleor.issue_dashboard_token(user, app)
    if not claim_overrides:
        return token
    claims = jwt.decode(token, options={"verify_signature": False}) | claim_overrides
    return saleor.keys.current.encode_jwt({k: v for k, v in claims.items() if v is not None})
