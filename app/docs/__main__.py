"""`python -m app.docs [PATH]`: write the OpenAPI document (default: openapi.json)."""

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from app.docs.openapi import dump

# The app is named, not imported: app.main imports app.docs, never the other way round.
FACTORY = "app.main:create_app"


def app_factory(name: str = FACTORY) -> Callable[[], FastAPI]:
    """The function `module:attribute` names, which builds the application."""
    module, _, attribute = name.partition(":")
    factory: Callable[[], FastAPI] = getattr(importlib.import_module(module), attribute)
    return factory


def main(argv: list[str] | None = None) -> int:
    """Write the OpenAPI document of the app FACTORY builds to PATH (default openapi.json)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "openapi.json")
    path.write_text(dump(app_factory()().openapi()), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
