"""The HTTP limit: a bare Starlette endpoint returning a precomputed body of the same size.

    BARE_BODY_FILE=bench/out/card_body.json uvicorn bench.bare_app:app --port 8099

Served by the same uvicorn settings as the API (one worker, same loop and HTTP parser), so
the difference between the two is what the app does per request.
"""

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_path = os.environ.get("BARE_BODY_FILE")
BODY = Path(_path).read_bytes() if _path else b'{"data":[],"meta":{}}'


async def body(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", body)])
