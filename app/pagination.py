"""Keyset paging: opaque signed cursors, one list shape (data + meta with a `next` link)."""

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, tuple_

from app.config import get_settings
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
    undated: int | None = Field(
        None,
        description="figures that match every other filter but have no known period, so a "
        "date range (or a series, which plots dated figures only) left them out; null when "
        "nothing was left out for want of a date",
        examples=[1],
    )
    undated_url: str | None = Field(
        None,
        description="the list of those figures (`undated=only`); null when `undated` is",
    )
    data_version: int | None = Field(
        None,
        description="the data version this answer is of: the latest change it includes (the "
        "audit log's /v1/changes id); pass it as `as_of=` to read this answer again later",
        examples=[1042],
    )
    as_of: str | None = Field(
        None, description="the `as_of=` asked for; null for the data as it is now"
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
    """An ordering by one column (nullable ones sort last) then a unique tiebreaker.

    A cursor's values must have the Python types of these columns' SQL types."""

    name: str
    column: Any
    tiebreak: Any
    descending: bool = False
    nullable: bool = False

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
        both of which stop the database walking an index. The cursor's values are the bind
        parameters `after_value` and `after_tie` (`after_values`), so a statement kept for
        reuse takes another cursor's."""
        col, tie = self.column, self.tiebreak
        if after is not None:
            value = bindparam("after_value", after[0], type_=col.type)
            tie_value = bindparam("after_tie", after[1], type_=tie.type)
        if col is tie:
            return [([self._beyond(tie, tie_value)] if after else [], self._order(False))]
        if not self.nullable:
            cond = [self._beyond(tuple_(col, tie), tuple_(value, tie_value))] if after else []
            return [(cond, self._order(True))]
        nulls_order = self._order(False)
        if after is not None and after[0] is None:
            return [([col.is_(None), self._beyond(tie, tie_value)], nulls_order)]
        values = [col.is_not(None)]
        if after is not None:
            values.append(self._beyond(tuple_(col, tie), tuple_(value, tie_value)))
        return [(values, self._order(True)), ([col.is_(None)], nulls_order)]

    def encode(self, value: Any, tie: Any) -> str:
        """The signed cursor of the row with sort value `value` and tiebreak `tie`."""
        if isinstance(value, date):
            value = value.isoformat()
        return seal(json.dumps([self.name, value, tie], separators=(",", ":")).encode())

    def decode(self, cursor: str) -> tuple[Any, Any]:
        """The (value, tie) a cursor points after; a 400 if it is not one of ours for this sort."""
        payload = unseal(cursor)
        try:
            decoded = json.loads(payload) if payload is not None else None
        except ValueError:
            raise _refused() from None
        if not isinstance(decoded, list) or len(decoded) != 3 or decoded[0] != self.name:
            raise _refused()
        _, value, tie = decoded
        tie = _typed(tie, self.tiebreak)
        if value is None and self.nullable:
            return None, tie
        return _typed(value, self.column), tie


# Without CURSOR_SECRET anyone can read this key here and sign a cursor. That is still safe:
# decoding checks each value's type and range as strictly as for a signed one, so a forged
# cursor can only start a page at a place of the client's choosing, which filters allow too.
_BUILTIN_KEY = b"dprk-labor-api cursor key; set CURSOR_SECRET in production"
_MAC_BYTES = 16  # 128 bits: guessing is hopeless, and the cursor stays short
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_INT64 = range(-(2**63), 2**63)
_INT32 = range(-(2**31), 2**31)  # SQLAlchemy's Integer: PostgreSQL's `integer`


def _mac(payload: bytes) -> bytes:
    key = get_settings().cursor_secret.encode() or _BUILTIN_KEY
    return hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]


def seal(payload: bytes) -> str:
    """`payload` and its HMAC-SHA256 under the cursor key, as unpadded base64url."""
    return base64.urlsafe_b64encode(payload + _mac(payload)).decode().rstrip("=")


def unseal(cursor: str) -> bytes | None:
    """The payload of a cursor `seal` made under the current key, or None."""
    if not _BASE64URL.fullmatch(cursor):
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, binascii.Error):
        return None
    if len(raw) <= _MAC_BYTES:
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    return payload if hmac.compare_digest(mac, _mac(payload)) else None


def _refused() -> BadParameter:
    return BadParameter(
        "cursor", "not a cursor this list handed out for this sort; use meta.next_cursor as is"
    )


def _typed(value: Any, column: Any) -> Any:
    """`value`, read from a cursor's JSON, as a value of `column`'s type (str, int, float
    or date) in its range, which both databases accept as a parameter; a 400 naming
    `cursor` otherwise."""
    kind = cast(type, column.type.python_type)
    if isinstance(value, bool):  # an int to isinstance, never a sort value
        raise _refused()
    if kind is int or kind is float:
        # an integer column's own width (a 32-bit one refuses 2**31 on PostgreSQL); NaN and
        # the infinities are never issued
        width = _INT32 if kind is int and not isinstance(column.type, BigInteger) else _INT64
        if isinstance(value, int) and value in width:
            return float(value) if kind is float else value
        if kind is float and isinstance(value, float) and math.isfinite(value):
            return value
        raise _refused()
    if not isinstance(value, str) or "\x00" in value or not _encodable(value):
        raise _refused()  # a NUL ends a C string; a lone surrogate is not UTF-8
    if kind is str:
        return value
    if kind is date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _refused() from None
    raise _refused()


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def keyset_statements(
    stmt: Select[Any], key: SortKey, after: tuple[Any, Any] | None
) -> list[Select[Any]]:
    """The statements that list the rows of `stmt` after `after` (a decoded cursor) in
    `key`'s order, to run in turn, each given a LIMIT by the caller."""
    return [stmt.where(*conds).order_by(*order) for conds, order in key.phases(after)]


@dataclass(frozen=True)
class Rows:
    """One page as the query layer fetched it: its items (shaped dicts, or
    app.rendering.Rendered), the
    cursor of the next page (None at the end), and the total when it was asked for."""

    items: list[Any]
    next_cursor: str | None
    total: int | None = None


def next_cursor(rows: list[Any], key: SortKey, limit: int, value_of: Any) -> str | None:
    """The cursor after the last of `limit` rows when `rows` (fetched by `keyset_statements`,
    one more than the page) go on; None at the end."""
    if len(rows) <= limit or not limit:
        return None
    value, tie = value_of(rows[limit - 1])
    return key.encode(value, tie)
