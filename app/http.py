"""HTTP mechanics shared by routes: ETags and If-Match, and the request-body size limit."""

from typing import TypeVar

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import (
    InvalidParam,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
)
from app.rendering import etag_of, etag_of_bytes

B = TypeVar("B")


def with_etag(response: Response, body: B) -> B:
    """Set the response's ETag from `body` and return `body`."""
    response.headers["ETag"] = etag_of(body)
    return body


def check_if_match(if_match: str | None, current: str) -> None:
    """428 without If-Match; 412 unless it names the current ETag (or is `*`)."""
    if not if_match:
        raise PreconditionRequired(
            "send If-Match with the ETag of your last GET of this resource, so that no one "
            "else's change is overwritten"
        )
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if if_match.strip() != "*" and current not in tags:
        raise PreconditionFailed(
            f"the resource has changed since that ETag; its ETag is now {current}: "
            "GET it again, reapply your change and retry"
        )


class BodySizeLimit:
    """Reject request bodies over `limit` bytes with 413, before anything parses them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(scope, receive, send)
            return
        # Read the body (bounded), then hand it on; a chunked body may not declare its size.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._reject(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        from app.errors import problem_response

        exc = PayloadTooLarge(f"request bodies are limited to {self.limit} bytes")
        exc.params = [InvalidParam(name="body", location="body", reason=exc.detail)]
        response = problem_response(
            Request(scope, receive), exc.status, exc.slug, exc.title, exc.detail, exc.params
        )
        await response(scope, receive, send)


class HttpCache:
    """Conditional GETs for public data: an ETag on every JSON read, 304 for a matching
    If-None-Match, Cache-Control, and HEAD answered like GET without the body."""

    # Stored, but revalidated on every use: a browser or proxy that reused a read for a
    # while would show data older than an edit made meanwhile (and an editor's GET for
    # If-Match must be current). Revalidating costs a bodiless 304 while the ETag holds.
    # A request with Authorization is an editor's: no shared cache may keep its answer.
    PUBLIC = b"public, no-cache"
    PRIVATE = b"private, no-cache"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")
        request_headers = dict(scope["headers"])
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
        cache_control = self.PRIVATE if b"authorization" in request_headers else self.PUBLIC
        # Answers vary by Origin too (CORS headers); the CORS middleware outside adds that.
        vary = b"Accept"
        start: Message | None = None
        chunks: list[bytes] = []
        buffering = False  # only an answer without an ETag: the hot path sets its own
        not_modified = False

        async def not_modified_from(message: Message) -> None:
            kept = [
                (k, v) for k, v in message["headers"] if k in (b"etag", b"cache-control", b"vary")
            ]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})

        async def wrapped(message: Message) -> None:
            nonlocal start, buffering, not_modified
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                ok = message["status"] == 200
                if ok:
                    if b"cache-control" not in headers:  # an as_of answer sets its own
                        message = _with_header(message, b"cache-control", cache_control)
                    message = _with_header(message, b"vary", vary)
                etag = headers.get(b"etag")
                if ok and etag is not None and _matches(if_none_match, etag.decode("latin-1")):
                    not_modified = True
                    await not_modified_from(message)
                    return
                json_body = headers.get(b"content-type", b"").startswith(b"application/json")
                buffering = ok and etag is None and json_body and b"content-length" in headers
                if buffering:
                    start = message
                    return
                await send(message)
                return
            if not_modified:
                return
            if not buffering:
                await send(dict(message, body=b"", more_body=False) if head else message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            start = _with_header(start, b"etag", etag_of_bytes(body).encode())
            if _matches(if_none_match, dict(start["headers"])[b"etag"].decode("latin-1")):
                await not_modified_from(start)
                return
            await send(start)
            await send({"type": "http.response.body", "body": b"" if head else body})

        await self.app(scope, receive, wrapped)


def _with_header(message: Message, name: bytes, value: bytes) -> Message:
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != name]
    return dict(message, headers=[*headers, (name, value)])


def _matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags
