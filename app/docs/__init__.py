"""The API's guide, one module per idea:

* `prose`: what the OpenAPI document says in words (its introduction, its tags);
* `openapi`: FastAPI's document made into the guide (examples, enums, problem+json errors);
* `pages`: /docs (Swagger UI) and /redoc, served from this machine;
* `examples`: which requests the examples of answers are, and their answers on the seed
  data, recorded in examples.json;
* `generate`: `make openapi` (`python -m app.docs`), which records them and writes
  openapi.json.

A package, so that `app.main` imports one name and installs the guide with `install(app)`;
nothing here imports `app.main` (`generate` is given the app's factory by name).
"""

from typing import Any

from fastapi import FastAPI

from app.docs import examples, pages
from app.docs.openapi import dump, openapi_builder
from app.docs.prose import DESCRIPTION, TAGS

__all__ = ["DESCRIPTION", "TAGS", "dump", "install"]


def install(app: FastAPI) -> None:
    """Serve the guide: /openapi.json, and /docs and /redoc with assets from this machine."""
    app.openapi_tags = TAGS
    app.openapi = openapi_builder(app)  # type: ignore[method-assign]
    pages.install(app)


def __getattr__(name: str) -> Any:
    """`RESPONSE_EXAMPLES`: the recorded answers by (operationId, status), read when asked
    (tests/test_seed.py checks their wording)."""
    if name == "RESPONSE_EXAMPLES":
        return examples.responses(examples.read())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
