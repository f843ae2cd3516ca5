"""``INSERT … ON CONFLICT`` for the database a session is bound to (PostgreSQL in production, SQLite otherwise)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An insert into ``table`` that offers ``on_conflict_do_nothing``/``on_conflict_do_update`` on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
