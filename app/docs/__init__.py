"""The API's guide, in four parts:

* `prose`: what the OpenAPI document says in words (its introduction, its tags);
* `openapi`: FastAPI's document made into the guide (examples, enums, problem+json errors);
* `pages`: /docs (Swagger UI) and /redoc, served from this machine;
* `examples`: the response examples, real answers of the seeded app.

`app.main` installs it with `install(app)`; nothing here imports `app.main`.
`python -m app.docs [PATH]` (`make openapi`) writes the document to a file.
"""

from fastapi import FastAPI

from app.docs import pages
from app.docs.examples import RESPONSE_EXAMPLES
from app.docs.openapi import dump, openapi_builder
from app.docs.prose import DESCRIPTION, TAGS

__all__ = ["DESCRIPTION", "RESPONSE_EXAMPLES", "TAGS", "dump", "install"]


def install(app: FastAPI) -> None:
    """Serve the guide: /openapi.json, and /docs and /redoc with assets from this machine."""
    app.openapi_tags = TAGS
    app.openapi = openapi_builder(app)  # type: ignore[method-assign]
    pages.install(app)
