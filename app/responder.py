"""The one responder: every read's answer, from the rows the query layer fetched.

A list is fetched page by page (`Listing.fetch`: PageParams -> Rows) and answered as
- JSON: one page, `{"data": [...], "meta": {...}}` (app.pagination.PageMeta's shape), with
  the `next` link built here from the URL the client sees;
- CSV or NDJSON: every page, streamed; or a ZIP bundle of the CSV and what it is
  (app.exports).
One resource is answered by `json_response`. Every JSON answer carries a strong ETag made
from its items' ETags (kept ready by the read model, or made from each item's JSON) and the
meta: the body itself is never hashed twice or buffered to be hashed.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import URL
from starlette.responses import Response

from app.as_of import AsOf
from app.config import get_settings
from app.db import one_snapshot
from app.exports import Column, Format, More, export
from app.pagination import PageParams, Rows
from app.queries.changes import data_version
from app.rendering import etag_of_bytes, public, render, rendered

JSON = "application/json"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass
class Reading:
    """What a read runs on (app.api.deps.read_session): its session, on the data now or as
    of a past version, and the data version it answers with."""

    session: Session
    as_of: AsOf | None = None
    _version: int | None = None

    def version(self) -> int:
        """The data version; read first (an export's headers), it begins the snapshot the
        rows are then read in (app.db.one_snapshot), so it is exactly theirs."""
        if self._version is None:
            one_snapshot(self.session)
            # as of a version: today's data when nothing the read shows changed since
            through = self.as_of.version if self.as_of else None
            self._version = data_version(self.session, through=through)
        return self._version

    def meta(self) -> dict[str, Any]:
        """`data_version` and `as_of` of a JSON page's meta."""
        return {"data_version": self.version(), "as_of": self.as_of.asked if self.as_of else None}

    def headers(self, dated: bool = False) -> dict[str, str]:
        """`X-Data-Version` on every read; as of a moment that cannot change, immutable,
        unless the answer is `dated` (it names the day it was made: a citation's access
        date, a download's time)."""
        headers = {"X-Data-Version": str(self.version())}
        if self.as_of is not None and self.as_of.final and not dated:
            headers["Cache-Control"] = IMMUTABLE
        return headers


def reading(request: Request) -> Reading | None:
    """The read's Reading; None for a route that does not read the data (/v1/hedges)."""
    return getattr(request.state, "reading", None)


def version_of(request: Request) -> int:
    """The data version of a read on app.api.deps.ReadSessionDep."""
    read = reading(request)
    assert read is not None, "a route that names its data version reads on ReadSessionDep"
    return read.version()


@dataclass
class Listing:
    """What a list route answers with: how to fetch one of its pages, and how it exports."""

    resource: str  # names an export's file
    model: type[BaseModel]  # an item's schema: an export's CSV columns
    fetch: Callable[[PageParams], Rows]
    # exports only: what they add to a page of items (app.exports.More), and the CSV
    # columns that adds, defined for a bundle's metadata
    extra: Callable[[list[Any]], list[More]] | None = None
    extra_columns: list[Column] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # more meta on a JSON page
    headers: dict[str, str] = field(default_factory=dict)  # more headers on an export
    session: Session | None = None  # an export's: one snapshot, closed when it ends


def respond(request: Request, fmt: Format, page: PageParams, listing: Listing) -> Response:
    """A list's answer in the format asked for."""
    if fmt is Format.json:
        return page_response(request, listing.fetch(page), page, listing.meta)
    read = reading(request)
    return export(
        request,
        fmt,
        listing.resource,
        listing.model,
        listing.fetch,
        extra=listing.extra,
        extra_columns=listing.extra_columns,
        session=listing.session,
        headers=listing.headers | (read.headers(dated=fmt is Format.zip) if read else {}),
        meta=listing.meta,
    )


def page_response(
    request: Request, rows: Rows, page: PageParams, more: dict[str, Any] | None = None
) -> Response:
    """One JSON page: the items as they were rendered, and PageMeta's fields (then `more`)."""
    url = request_url(request)
    read = reading(request)
    items = [rendered(i) for i in rows.items]
    cursor = rows.next_cursor
    meta = (
        {
            "limit": page.limit,
            "count": len(items),
            "next_cursor": cursor,
            "next": str(url.include_query_params(cursor=cursor)) if cursor else None,
            "total": rows.total,
            "undated": None,
            "undated_url": None,
        }
        | (read.meta() if read else {})
        | (more or {})
    )
    meta_json = render(meta)
    body = b'{"data":[' + b",".join(i.json for i in items) + b'],"meta":' + meta_json + b"}"
    digest = hashlib.sha256()
    for i in items:
        digest.update(i.etag.encode())
    digest.update(meta_json)
    return _json(request, body, '"' + digest.hexdigest()[:32] + '"')


def json_response(request: Request, body: Any, path: str | None = None) -> Response:
    """One resource: a 200 with `body` (shaped by the query layer, or rendered already by
    the read model; no response-model validation, which the tests do against the
    documented schema) as JSON, with its ETag, data version and canonical URL (its
    permalink: `path`, or the path asked for, without the query)."""
    item = rendered(body)
    canonical = get_settings().base_url + quote(path or request.url.path)
    return _json(request, item.json, item.etag, more={"Link": f'<{canonical}>; rel="canonical"'})


def representation_response(
    request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    """A 200 with a body rendered already in another format than JSON (a citation), with
    its ETag and data version."""
    return _json(request, body, etag_of_bytes(body), media_type, headers, dated=True)


def _json(
    request: Request,
    body: bytes,
    etag: str,
    media_type: str = JSON,
    more: dict[str, str] | None = None,
    dated: bool = False,
) -> Response:
    read = reading(request)
    headers = {"ETag": etag} | (read.headers(dated) if read else {}) | (more or {})
    if media_type == JSON:
        body = public(body)
    return Response(body, media_type=media_type, headers=headers)


def request_url(request: Request) -> URL:
    """The URL as the client sees it, built from the public base URL (PUBLIC_URL), never
    from the request's Host header: for `next` links and permalinks."""
    base = URL(get_settings().base_url)
    url = request.url
    return url.replace(scheme=base.scheme, netloc=base.netloc, path=base.path + url.path)


def undated_meta(count: int, listed_at: URL) -> dict[str, Any]:
    """What a JSON page's meta says of the figures left out for want of a date: how many,
    and the URL that lists them (`undated=only` added); nothing when there are none."""
    if not count:
        return {}
    return {"undated": count, "undated_url": undated_link(listed_at)}


def undated_headers(count: int, listed_at: URL) -> dict[str, str]:
    """What an export (which has no meta) says of the figures left out for want of a date:
    `X-Undated-Count` and a `Link` with rel="undated" to their list."""
    if not count:
        return {}
    return {"X-Undated-Count": str(count), "Link": f'<{undated_link(listed_at)}>; rel="undated"'}


def undated_link(listed_at: URL) -> str:
    # The date range does not apply to them: only its other filters.
    dates = ["period_from", "period_to", "match"]
    url = listed_at.remove_query_params(["cursor", "undated", "format", *dates])
    return str(url.include_query_params(undated="only"))
