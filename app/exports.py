"""CSV, NDJSON and ZIP bundles for every list: chosen by `format=`, a `.csv`/`.ndjson`/`.zip`
path or `Accept`.

An export streams every matching row (not one page) by walking the list's own keyset pages,
so it uses the same filters and queries as the JSON list and constant memory. A bundle
(`.zip`) is the CSV with `metadata.json` and a README.txt, written by the standard
library's zipfile straight into the response stream (below, `_Pipe`), page by page: nothing
is held whole, in memory or on disk, however many rows there are.
"""

import csv
import io
import re
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin
from urllib.parse import urlencode

import orjson
from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from app.citations import dataset_citation, permalink
from app.config import get_settings
from app.db import one_snapshot
from app.errors import BadParameter
from app.pagination import MAX_LIMIT, PageParams, Rows
from app.queries.changes import data_version
from app.rendering import Rendered, public, rendered


class Format(StrEnum):
    json = "json"
    csv = "csv"
    ndjson = "ndjson"
    zip = "zip"


MEDIA_TYPES = {
    Format.json: "application/json",
    Format.csv: "text/csv; charset=utf-8",
    Format.ndjson: "application/x-ndjson",
    Format.zip: "application/zip",
}
_BY_MEDIA = {
    "application/json": Format.json,
    "text/csv": Format.csv,
    "application/x-ndjson": Format.ndjson,
    "application/ndjson": Format.ndjson,
    "application/zip": Format.zip,
}
BOM = "\ufeff".encode()

EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": "id,metric_id,...,period_label,...,origin_document_url,"
                "origin_document_publisher_name,origin_document_published_label,"
                "citing_document_urls\r\npanel-2024-workers-abroad-2023,...,2023,...",
            },
            "application/x-ndjson": {
                "schema": {"type": "string"},
                "example": '{"id": "panel-2024-workers-abroad-2023", ...}\n',
            },
            "application/zip": {
                "schema": {"type": "string", "format": "binary"},
            },
        },
        "description": "A page as JSON; or, with format=csv|ndjson (or Accept: text/csv, "
        "application/x-ndjson, or a .csv/.ndjson path), every matching row, streamed: a "
        "CSV row or an NDJSON line per item, with what says where a figure comes from "
        "(estimates: the origin document's URL, publisher and publication date, the URLs "
        "of the documents quoted, the period in words). `bom=true` starts a CSV with a "
        "UTF-8 byte order mark for spreadsheet programs. With format=zip (or a .zip path), "
        "a bundle to keep: the CSV, `metadata.json` (the query, the data version, the time "
        "of the download, the licence, how to cite the dataset, and every column's name, "
        "meaning and type) and a README.txt.",
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
            description="json (a page, default); csv or ndjson (every matching row, "
            "streamed); zip (a bundle: the CSV, metadata.json and a README). The same as "
            "Accept: text/csv, application/x-ndjson or application/zip, or a "
            "`.csv`/`.ndjson`/`.zip` path"
        ),
    ] = None,
    bom: Annotated[
        bool | None,
        Query(
            description="true: start the CSV (alone or in a .zip bundle) with a UTF-8 byte "
            "order mark, so that spreadsheet programs read its accents as UTF-8; default "
            "false",
            examples=[True],
        ),
    ] = None,
) -> Format:
    """The format asked for, by parameter first, then by Accept. Whether a CSV starts with
    a byte order mark is kept in `request.state.bom` for the export."""
    fmt = format or negotiated_format(request.headers.get("accept", ""))
    if fmt is not Format.json:
        for name in ("limit", "cursor", "count"):
            if name in request.query_params:
                raise BadParameter(name, "exports stream every matching row; remove it")
    if bom is not None and fmt not in (Format.csv, Format.zip):
        raise BadParameter(
            "bom", "a byte order mark starts a CSV: use it with format=csv or format=zip"
        )
    request.state.bom = bool(bom)
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


def columns(model: type[BaseModel]) -> list[str]:
    """The flat CSV columns of `model`: nested objects become `outer_inner`."""
    return [c.name for c in column_definitions(model)]


class Column(NamedTuple):
    """A CSV column as a bundle's metadata.json and README define it."""

    name: str
    meaning: str
    type: str


# What a column means when its field documents nothing itself.
_PLAIN = {"id": "stable id", "code": "code", "name": "name", "title": "title", "kind": "kind"}


def column_definitions(
    model: type[BaseModel], prefix: str = "", within: str = "", optional: bool = False
) -> list[Column]:
    """`columns(model)` with each column's meaning (its field's description, or its name in
    words, after the object it belongs to) and type, in words (`optional`: the object
    itself may be absent, so every column of it may be empty)."""
    out = []
    for name, info in model.model_fields.items():
        words = name.replace("_", " ")
        inner = _model_of(info.annotation)
        if inner is not None:
            absent = optional or type(None) in get_args(info.annotation)
            out += column_definitions(inner, f"{prefix}{name}_", f"{within}{words}: ", absent)
            continue
        meaning = info.description or _PLAIN.get(name, words)
        kind = type_in_words(info.annotation)
        if optional and not kind.endswith(", or empty"):
            kind += ", or empty"
        out.append(Column(prefix + name, within + meaning, kind))
    return out


def type_in_words(annotation: Any) -> str:
    """How a cell of a field of type `annotation` reads: "text", "date (YYYY-MM-DD)",
    "one of: a, b", ..., with ", or empty" when it may be null."""
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        words = type_in_words(kinds[0]) if len(kinds) == 1 else "text"
        return words + ", or empty" if type(None) in args else words
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return "ids or codes joined by ;"
    if get_origin(annotation) is Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return "one of: " + ", ".join(m.value for m in annotation)
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "number"
    if annotation is datetime:
        return "date and time (ISO 8601)"
    if annotation is date:
        return "date (YYYY-MM-DD)"
    return "text"


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
        f"{k}-{v}" for k, v in request.query_params.multi_items() if k not in ("format", "bom")
    ]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", "_".join(parts)).strip("-")[:150]
    return f"{name}.{fmt.value}"


# What an export adds to one item: fields nested like the item's own (in NDJSON lines and,
# flattened, in CSV columns), and cells for CSV only, by column (over the flattened fields).
More = tuple[dict[str, Any], dict[str, Any]]


def merged(item: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """`item` with the fields of `more` added, object into object."""
    out = dict(item)
    for key, value in more.items():
        inner = out.get(key)
        out[key] = (
            merged(inner, value) if isinstance(inner, dict) and isinstance(value, dict) else value
        )
    return out


@dataclass
class _Counted:
    rows: int = 0


def _csv_chunks(
    header: list[str],
    pages: Iterator[list[Rendered]],
    extra: Callable[[list[Any]], list[More]] | None,
    bom: bool,
    counted: _Counted,
) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    yield (BOM if bom else b"") + buf.getvalue().encode()
    for items in pages:
        buf.seek(0)
        buf.truncate()
        data = [orjson.loads(public(i.json)) for i in items]
        extras = extra(data) if extra else [({}, {}) for _ in items]
        for item, (fields, cells) in zip(data, extras, strict=True):
            flat = flatten(merged(item, fields)) | cells
            writer.writerow([cell(flat.get(c)) for c in header])
        counted.rows += len(items)
        yield buf.getvalue().encode()


def _ndjson_chunks(
    pages: Iterator[list[Rendered]], extra: Callable[[list[Any]], list[More]] | None
) -> Iterator[bytes]:
    for items in pages:
        if extra is None:
            yield b"".join(public(i.json) + b"\n" for i in items)
            continue
        data = [orjson.loads(public(i.json)) for i in items]
        yield b"".join(
            orjson.dumps(merged(item, fields)) + b"\n"
            for item, (fields, _) in zip(data, extra(data), strict=True)
        )


def export(
    request: Request,
    fmt: Format,
    resource: str,
    model: type[BaseModel],
    fetch: Callable[[PageParams], Rows],
    extra: Callable[[list[Any]], list[More]] | None = None,
    extra_columns: list[Column] | None = None,
    session: Session | None = None,
    headers: dict[str, str] | None = None,
    meta: dict[str, Any] | None = None,
) -> StreamingResponse:
    """Stream every item `fetch` pages through, as CSV (flat columns: the model's, then
    `extra_columns`), NDJSON (items, with `extra`'s fields) or a ZIP bundle (`bundle`).

    The pages are read in one transaction of `session` that sees one snapshot of the
    data from the first byte to the last (app.db.one_snapshot), so a row edited meanwhile
    is neither in the export twice nor missing; the session is closed when the stream ends."""
    defined = column_definitions(model) + (extra_columns or [])
    header = [c.name for c in defined]
    bom = bool(getattr(request.state, "bom", False))
    if session is not None:
        one_snapshot(session)
    # The first page is read before the response starts, so a bad parameter is still a 400.
    first = fetch(PageParams(limit=MAX_LIMIT))
    about = None
    if fmt is Format.zip:
        assert session is not None, "a bundle names its data version: give the session"
        about = _About(request, resource, defined, meta or {}, data_version(session))

    def body() -> Iterator[bytes]:
        try:
            pages = _pages(first, fetch)
            if fmt is Format.ndjson:
                yield from _ndjson_chunks(pages, extra)
                return
            counted = _Counted()
            chunks = _csv_chunks(header, pages, extra, bom, counted)
            if about is None:
                yield from chunks
            else:
                yield from bundle(chunks, counted, about)
        finally:
            if session is not None:
                session.close()

    disposition = f'attachment; filename="{filename(request, resource, fmt)}"'
    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": disposition, **(headers or {})},
    )


# --- the bundle: CSV, metadata.json, README.txt ---------------------------------------------


class _Pipe:
    """A write-only file for zipfile that hands on what it was given: zipfile writes to a
    stream that cannot seek (it puts each file's sizes after its data), so the archive goes
    out as it is made. Chosen over a SpooledTemporaryFile, which would hold a large export
    on disk and send nothing until the end."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


@dataclass
class _About:
    """What a bundle says about itself, fixed before its first row is sent."""

    request: Request
    resource: str
    columns: list[Column]
    meta: dict[str, Any]
    data_version: int
    at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @property
    def csv_name(self) -> str:
        return filename(self.request, self.resource, Format.csv)

    @property
    def path(self) -> str:
        """The bundle's own path and query (`.zip` form, as a permalink names it)."""
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "format"]
        return f"{self.request.url.path}.zip" + (f"?{urlencode(query)}" if query else "")


def bundle(csv_chunks: Iterator[bytes], counted: _Counted, about: _About) -> Iterator[bytes]:
    """A ZIP of the CSV (deflated as it streams), metadata.json and README.txt."""
    pipe = _Pipe()
    stamp = about.at.timetuple()[:6]
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo(about.csv_name, date_time=stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        # force_zip64: the size is not known in advance and may pass 4 GiB.
        with archive.open(entry, "w", force_zip64=True) as out:
            for chunk in csv_chunks:
                out.write(chunk)
                yield pipe.take()
        metadata = metadata_of(about, counted.rows)
        for name, text in (
            ("metadata.json", orjson.dumps(metadata, option=orjson.OPT_INDENT_2).decode()),
            ("README.txt", readme(metadata)),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    yield pipe.take()


def metadata_of(about: _About, rows: int) -> dict[str, Any]:
    """metadata.json: the query as given, the data version, the time, the licence, how to
    cite, and every CSV column's name, meaning and type."""
    settings = get_settings()
    parameters: dict[str, list[str]] = {}
    for k, v in about.request.query_params.multi_items():
        if k != "format":
            parameters.setdefault(k, []).append(v)
    out: dict[str, Any] = {
        "title": settings.dataset_title,
        "url": permalink(about.path),
        "query": {"path": about.request.url.path, "parameters": parameters},
        "data_version": about.data_version,
        "downloaded_at": about.at.isoformat().replace("+00:00", "Z"),
        "licence": settings.licence,
        "citation": dataset_citation(about.path, about.data_version, about.at.date()),
        "file": about.csv_name,
        "rows": rows,
    }
    if about.meta.get("undated"):
        out["undated_left_out"] = about.meta["undated"]
        out["undated_url"] = about.meta.get("undated_url")
    out["columns"] = [c._asdict() for c in about.columns]
    return out


def readme(metadata: dict[str, Any]) -> str:
    """README.txt: what the bundle holds and how to read and cite it, for a person."""
    lines = [
        metadata["title"],
        "",
        "This download holds every row matching:",
        f"  {metadata['url']}",
        f"as the data stood at data version {metadata['data_version']}, downloaded "
        f"{metadata['downloaded_at']}.",
        "",
        "Files",
        f"  {metadata['file']}  {metadata['rows']} rows: UTF-8, comma-separated, one header row",
        "  metadata.json  the query, data version, time, licence, citation and every "
        "column's meaning, for programs",
        "  README.txt     this file",
        "",
        "How to cite",
        f"  {metadata['citation']}",
        "",
        "Licence",
        f"  {metadata['licence']}",
        "",
        "Reading the figures",
        "  Dates are YYYY-MM-DD. A date that a source fixes only to a year, half, quarter or",
        "  month is stored as a day of it (2024 as 2024-01-01): the columns ending in _label",
        '  say it as precisely as the source does ("2024", "Aug 2024", "H1 2020").',
        "  Lists in one cell are joined by ; (ids, codes) or one per line (citations, URLs).",
        "  Text a spreadsheet would run as a formula starts with an apostrophe (').",
    ]
    if metadata.get("undated_left_out"):
        lines += [
            f"  The date range left out {metadata['undated_left_out']} figures whose period "
            "is unknown; they are listed at:",
            f"  {metadata['undated_url']}",
        ]
    lines += ["", "Columns"]
    for c in metadata["columns"]:
        lines.append(f"  {c['name']} ({c['type']}): {c['meaning']}")
    return "\r\n".join(lines) + "\r\n"


class FormatSuffix:
    """`/v1/estimates.csv?...` is `/v1/estimates?...&format=csv` (`.ndjson`, `.zip` alike),
    for tools that cannot set headers (spreadsheets, browsers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            for fmt in (Format.csv, Format.ndjson, Format.zip, Format.json):
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
