"""JSON bytes and their ETags: how every representation is rendered, below the HTTP layer."""

import hashlib
from typing import Any, NamedTuple

import orjson
from pydantic import BaseModel


def _model_as_json(value: Any) -> Any:
    # One level at a time: orjson calls back for nested models, so a model may hold
    # plain dicts the query layer built (a page of estimates does).
    if isinstance(value, BaseModel):
        model = type(value)
        return {
            name: getattr(value, name)
            for name in (*model.model_fields, *model.model_computed_fields)
        }
    raise TypeError(f"not JSON: {type(value).__name__}")


def render(body: Any) -> bytes:
    """A body (plain dicts and lists, dates, enums, Pydantic models) as JSON bytes."""
    return orjson.dumps(body, default=_model_as_json, option=orjson.OPT_UTC_Z)


def etag_of_bytes(data: bytes) -> str:
    """A strong ETag for a representation: it changes whenever its bytes do."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def etag_of(body: Any) -> str:
    """A strong ETag for a body: it changes whenever its JSON does."""
    return rendered(body).etag


# Every link the API builds is a path ("/v1/estimates/x", "/figures/x"), kept so in the
# read model and the answer cache; an answer's bytes get the public base URL (PUBLIC_URL)
# in front of each on the way out (app.responder.public). Within JSON, these starts can
# only be such links: a quote inside a string would have its quotation marks escaped.
LINK_STARTS = (
    b'"self":"/v1/',
    b'"url":"/v1/',
    b'"html":"/figures/',
    b'"html":"/documents/',
    b'"html":"/sources/',
)


def with_base(body: bytes, base: str) -> bytes:
    """`body` with `base` in front of every link path in it (LINK_STARTS)."""
    for start in LINK_STARTS:
        if start in body:
            key = start.index(b':"/') + 2  # up to the path's first /
            body = body.replace(start, start[:key] + base.encode() + start[key:])
    return body


def public(body: bytes) -> bytes:
    """A JSON body with every link in it made a permalink, from PUBLIC_URL."""
    from app.config import get_settings

    return with_base(body, get_settings().base_url)


class Rendered(NamedTuple):
    """An item rendered already: its JSON and its ETag (app.read_model keeps them)."""

    json: bytes
    etag: str


def rendered(item: Any) -> Rendered:
    """An item as its JSON and ETag (a Rendered one as it is)."""
    if isinstance(item, Rendered):
        return item
    data = render(item)
    return Rendered(data, etag_of_bytes(data))
