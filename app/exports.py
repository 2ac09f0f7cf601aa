"""CSV and NDJSON for every list: chosen by `format=`, an `.csv`/`.ndjson` path or `Accept`.

An export streams every matching row (not one page) by walking the list's own keyset pages,
so it uses the same filters and queries as the JSON list and constant memory.
"""

import csv
import io
import re
import types
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

import orjson
from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from app.db import one_snapshot
from app.errors import BadParameter
from app.pagination import MAX_LIMIT, PageParams, Rows
from app.rendering import Rendered, rendered


class Format(StrEnum):
    json = "json"
    csv = "csv"
    ndjson = "ndjson"


MEDIA_TYPES = {
    Format.json: "application/json",
    Format.csv: "text/csv; charset=utf-8",
    Format.ndjson: "application/x-ndjson",
}
_BY_MEDIA = {
    "application/json": Format.json,
    "text/csv": Format.csv,
    "application/x-ndjson": Format.ndjson,
    "application/ndjson": Format.ndjson,
}

EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": "id,metric_id,...\r\npanel-2024-workers-abroad-2023,...",
            },
            "application/x-ndjson": {
                "schema": {"type": "string"},
                "example": '{"id": "panel-2024-workers-abroad-2023", ...}\n',
            },
        },
        "description": "A page as JSON; or, with format=csv|ndjson (or Accept: text/csv, "
        "application/x-ndjson, or a .csv/.ndjson path), every matching row, streamed.",
    }
}


def negotiated_format(accept: str) -> Format:
    """The format an Accept header asks for (JSON when it names none of ours)."""
    choices = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media.lower() in _BY_MEDIA and q > 0:
            choices.append((-q, i, _BY_MEDIA[media.lower()]))
    return min(choices)[2] if choices else Format.json


async def output_format(
    request: Request,
    format: Annotated[
        Format | None,
        Query(
            description="json (a page, default), csv or ndjson (every matching row, "
            "streamed); the same as Accept: text/csv or application/x-ndjson, or a "
            "`.csv`/`.ndjson` path"
        ),
    ] = None,
) -> Format:
    """The format asked for, by parameter first, then by Accept."""
    fmt = format or negotiated_format(request.headers.get("accept", ""))
    if fmt is not Format.json:
        for name in ("limit", "cursor", "count"):
            if name in request.query_params:
                raise BadParameter(name, "exports stream every matching row; remove it")
    return fmt


FormatDep = Annotated[Format, Depends(output_format)]


# --- flattening an item into CSV columns ----------------------------------------------


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        models = [a for a in get_args(annotation) if _model_of(a)]
        return _model_of(models[0]) if models else None
    return None


def columns(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The flat CSV columns of `model`: nested objects become `outer_inner`."""
    out = []
    for name, info in model.model_fields.items():
        inner = _model_of(info.annotation)
        if inner is not None:
            out += columns(inner, f"{prefix}{name}_")
        else:
            out.append(prefix + name)
    return out


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON-mode dict as flat cells; lists of objects become their ids or codes (see
    _list_cell), `;`-joined."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out |= flatten(value, f"{prefix}{key}_")
        elif isinstance(value, list):
            out[prefix + key] = ";".join(_list_cell(v) for v in value)
        else:
            out[prefix + key] = value
    return out


def _list_cell(item: Any) -> str:
    """One item of a list cell: its id or code; an item that names another record by a
    relation (a metric's `related`) is `relation:id` (`has_proxy:work_permits_held`)."""
    if not isinstance(item, dict):
        return str(item)
    if "id" in item or "code" in item:
        return str(item.get("id", item.get("code")))
    ref = next((_list_cell(v) for v in item.values() if isinstance(v, dict)), "")
    return f"{item['relation']}:{ref}" if "relation" in item else ref


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


# --- streaming --------------------------------------------------------------------------


def _pages(first: Rows, fetch: Callable[[PageParams], Rows]) -> Iterator[list[Rendered]]:
    page = first
    while True:
        yield [rendered(i) for i in page.items]
        if page.next_cursor is None:
            return
        page = fetch(PageParams(limit=MAX_LIMIT, cursor=page.next_cursor))


def filename(request: Request, resource: str, fmt: Format) -> str:
    """`estimates_metric-workers_abroad_country-CN.csv`: what was exported, in the name."""
    parts = [resource] + [
        f"{k}-{v}" for k, v in request.query_params.multi_items() if k != "format"
    ]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", "_".join(parts)).strip("-")[:150]
    return f"{name}.{fmt.value}"


def export(
    request: Request,
    fmt: Format,
    resource: str,
    model: type[BaseModel],
    fetch: Callable[[PageParams], Rows],
    extra: Callable[[list[Any]], list[dict[str, Any]]] | None = None,
    extra_columns: list[str] | None = None,
    session: Session | None = None,
    headers: dict[str, str] | None = None,
) -> StreamingResponse:
    """Stream every item `fetch` pages through, as CSV (flat columns) or NDJSON (items).

    The pages are read in one transaction of `session` that sees one snapshot of the
    data from the first byte to the last (app.db.one_snapshot), so a row edited meanwhile
    is neither in the export twice nor missing; the session is closed when the stream ends."""
    header = columns(model) + (extra_columns or [])
    if session is not None:
        one_snapshot(session)
    # The first page is read before the response starts, so a bad parameter is still a 400.
    first = fetch(PageParams(limit=MAX_LIMIT))

    def body() -> Iterator[bytes]:
        try:
            buf = io.StringIO()
            writer = csv.writer(buf)
            if fmt is Format.csv:
                writer.writerow(header)
            for items in _pages(first, fetch):
                if fmt is Format.ndjson:
                    yield b"".join(i.json + b"\n" for i in items)
                    continue
                data = [orjson.loads(i.json) for i in items]
                extras = extra(data) if extra else [{} for _ in items]
                for item, more in zip(data, extras, strict=True):
                    flat = flatten(item) | more
                    writer.writerow([cell(flat.get(c)) for c in header])
                yield buf.getvalue().encode()
                buf.seek(0)
                buf.truncate()
        finally:
            if session is not None:
                session.close()

    disposition = f'attachment; filename="{filename(request, resource, fmt)}"'
    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": disposition, **(headers or {})},
    )


class FormatSuffix:
    """`/v1/estimates.csv?...` is `/v1/estimates?...&format=csv`, for tools that cannot set
    headers (spreadsheets, browsers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            for fmt in (Format.csv, Format.ndjson, Format.json):
                suffix = "." + fmt.value
                if path.startswith("/v1/") and path.endswith(suffix):
                    query = scope.get("query_string", b"")
                    extra = f"format={fmt.value}".encode()
                    scope = dict(
                        scope,
                        path=path[: -len(suffix)],
                        raw_path=path[: -len(suffix)].encode(),
                        query_string=query + b"&" + extra if query else extra,
                    )
                    break
        await self.app(scope, receive, send)
