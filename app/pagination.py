"""Keyset paging: opaque cursors, one list shape (data + meta with a `next` link)."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, and_, or_
from starlette.datastructures import URL

from app.errors import BadParameter

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageMeta(BaseModel):
    """Where this page is in the whole list."""

    limit: int = Field(description="the page size asked for")
    count: int = Field(description="items on this page")
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )
    next: str | None = Field(description="the full URL of the next page; null at the end")
    total: int | None = Field(
        None, description="all matching items; only with `count=true` (it costs a query)"
    )


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """Every list response: the items, then paging meta."""

    data: list[T]
    meta: PageMeta


@dataclass(frozen=True)
class PageParams:
    """The paging part of a list request."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    count: bool = False


@dataclass(frozen=True)
class SortKey:
    """An ordering by one column (nullable ones sort last) then a unique tiebreaker."""

    name: str
    column: Any
    tiebreak: Any
    descending: bool = False
    nullable: bool = False
    is_date: bool = False

    def order_by(self) -> list[Any]:
        col = self.column.desc() if self.descending else self.column.asc()
        if self.nullable:
            col = col.nulls_last()
        tie = self.tiebreak.desc() if self.descending else self.tiebreak.asc()
        return [col, tie] if self.column is not self.tiebreak else [tie]

    def after(self, value: Any, tie: Any) -> ColumnElement[bool]:
        """Rows strictly after (value, tie) in this ordering."""
        beyond = (lambda c, v: c < v) if self.descending else (lambda c, v: c > v)
        if self.column is self.tiebreak:
            return beyond(self.tiebreak, tie)
        if value is None:
            return and_(self.column.is_(None), beyond(self.tiebreak, tie))
        cond = or_(
            beyond(self.column, value), and_(self.column == value, beyond(self.tiebreak, tie))
        )
        return or_(cond, self.column.is_(None)) if self.nullable else cond

    def encode(self, value: Any, tie: Any) -> str:
        if isinstance(value, date):
            value = value.isoformat()
        raw = json.dumps([self.name, value, tie], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, Any]:
        """The (value, tie) a cursor points after; a 400 if it is not one of ours for this sort."""
        bad = BadParameter(
            "cursor", "not a cursor this list handed out for this sort; use meta.next_cursor as is"
        )
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, value, tie = json.loads(raw)
        except (ValueError, binascii.Error, TypeError):
            raise bad from None
        if name != self.name or not isinstance(tie, str | int) or isinstance(tie, bool):
            raise bad
        if value is None:
            if not self.nullable and self.column is not self.tiebreak:
                raise bad
        elif self.is_date:
            try:
                value = date.fromisoformat(value)
            except (TypeError, ValueError):
                raise bad from None
        elif not isinstance(value, str | int | float) or isinstance(value, bool):
            raise bad
        return value, tie


def apply_keyset(stmt: Select[Any], key: SortKey, limit: int, cursor: str | None) -> Select[Any]:
    """Order `stmt` by `key`, start after `cursor`, and fetch one row more than `limit`."""
    if cursor:
        stmt = stmt.where(key.after(*key.decode(cursor)))
    return stmt.order_by(*key.order_by()).limit(limit + 1)


def page_meta(
    rows: list[Any],
    key: SortKey,
    limit: int,
    url: URL,
    value_of: Any,
    total: int | None = None,
) -> tuple[list[Any], PageMeta]:
    """Trim the extra row fetched by `apply_keyset` and describe the next page."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    next_url = None
    if more and rows:
        value, tie = value_of(rows[-1])
        next_cursor = key.encode(value, tie)
        next_url = str(url.include_query_params(cursor=next_cursor))
    meta = PageMeta(
        limit=limit, count=len(rows), next_cursor=next_cursor, next=next_url, total=total
    )
    return rows, meta
