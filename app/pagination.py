"""Keyset paging: opaque cursors, one list shape (data + meta with a `next` link)."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, tuple_
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

    def _order(self, with_column: bool) -> list[Any]:
        tie = self.tiebreak.desc() if self.descending else self.tiebreak.asc()
        if not with_column or self.column is self.tiebreak:
            return [tie]
        return [self.column.desc() if self.descending else self.column.asc(), tie]

    def _beyond(self, left: Any, right: Any) -> ColumnElement[bool]:
        return left < right if self.descending else left > right

    def phases(self, after: tuple[Any, Any] | None) -> list[tuple[list[Any], list[Any]]]:
        """(conditions, order_by) of the queries that, run in turn, list the rows after
        `after` in this ordering. A nullable column takes two: its values in index order,
        then its NULLs by tiebreak — so that neither needs `NULLS LAST` sorting or an OR,
        both of which stop the database walking an index."""
        col, tie = self.column, self.tiebreak
        if col is tie:
            return [([self._beyond(tie, after[1])] if after else [], self._order(False))]
        if not self.nullable:
            cond = [self._beyond(tuple_(col, tie), tuple_(*after))] if after else []
            return [(cond, self._order(True))]
        nulls_order = self._order(False)
        if after is not None and after[0] is None:
            return [([col.is_(None), self._beyond(tie, after[1])], nulls_order)]
        values = [col.is_not(None)]
        if after is not None:
            values.append(self._beyond(tuple_(col, tie), tuple_(*after)))
        return [(values, self._order(True)), ([col.is_(None)], nulls_order)]

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


def keyset_queries(
    stmt: Select[Any], key: SortKey, limit: int, cursor: str | None
) -> list[Select[Any]]:
    """The statements that fetch up to `limit + 1` rows after `cursor`, to run in order."""
    after = key.decode(cursor) if cursor else None
    return [
        stmt.where(*conds).order_by(*order).limit(limit + 1) for conds, order in key.phases(after)
    ]


def page_meta(
    rows: list[Any],
    key: SortKey,
    limit: int,
    url: URL,
    value_of: Any,
    total: int | None = None,
) -> tuple[list[Any], PageMeta]:
    """Trim the extra row fetched by `keyset_queries` and describe the next page."""
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
