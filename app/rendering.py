"""JSON bytes and their ETags: how every representation is rendered, below the HTTP layer."""

import hashlib
from typing import Any, NamedTuple

import orjson
from pydantic import BaseModel


def _model_as_json(value: Any) -> Any:
    # One level at a time: orjson calls back for nested models, so a model may hold
    # plain dicts the query layer built (a page of estimates does).
    if isinstance(value, BaseModel):
        return {name: getattr(value, name) for name in type(value).model_fields}
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
