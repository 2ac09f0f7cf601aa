"""`python -m app.docs`: `make openapi` (see app.docs.generate)."""

from app.docs.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
