"""API keys: made once and shown once, stored as a hash, checked in constant time."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import SessionDep
from app.enums import Role
from app.errors import AppError
from app.models import ApiKey

KEY_PREFIX = "dlk"
REALM = 'Bearer realm="dprk-labor-api"'

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An editor's or admin's API key, made with `dprk-labor keys create`: "
    "`Authorization: Bearer dlk_...`. Reads need no key.",
)


class Unauthorized(AppError):
    """No key, or one that is unknown or revoked."""

    status = 401
    slug = "unauthorized"
    title = "Unauthorized"

    def __init__(self, detail: str, invalid: bool = False) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": REALM + (', error="invalid_token"' if invalid else "")}


class Forbidden(AppError):
    """A valid key whose role may not do this."""

    status = 403
    slug = "forbidden"
    title = "Forbidden"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, name: str, role: Role) -> str:
    """Store a new key for `name` and return it; it cannot be shown again."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            name=name,
            role=role,
            prefix=prefix,
            secret_hash=_hash(secret),
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return f"{KEY_PREFIX}_{prefix}_{secret}"


def revoke_key(session: Session, name: str) -> bool:
    """Revoke the key called `name`; False if there is no such active key."""
    key = session.scalar(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
    if key is None:
        return False
    key.revoked_at = datetime.now(UTC)
    return True


def credential_problem(authorization: str | None) -> Unauthorized | None:
    """What is wrong with an Authorization header before any key is looked up: missing,
    not a bearer token, or not shaped like one of our keys; None if it may be a key."""
    scheme, _, token = (authorization or "").partition(" ")
    if not authorization or scheme.lower() != "bearer":
        return Unauthorized("writes need an API key: send `Authorization: Bearer <key>`")
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return Unauthorized("malformed API key; expected `dlk_<id>_<secret>`", invalid=True)
    return None


def authenticate(session: Session, token: str) -> ApiKey:
    """The active key `token` stands for, or Unauthorized."""
    problem = credential_problem(f"Bearer {token}")
    if problem is not None:
        raise problem
    parts = token.split("_", 2)
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    # Compare a hash even for an unknown prefix, so timing does not tell prefixes apart.
    stored = key.secret_hash if key else _hash("")
    if not hmac.compare_digest(stored, _hash(parts[2])) or key is None:
        raise Unauthorized("unknown API key", invalid=True)
    if key.revoked_at is not None:
        raise Unauthorized("this API key has been revoked", invalid=True)
    return key


def _require(role: Role):  # type: ignore[no-untyped-def]
    # Reads the key in a session of its own: through the write session it would begin the
    # write transaction (SQLite's write lock) in this dependency's thread, not the route's.
    def dependency(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiKey:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthorized("writes need an API key: send `Authorization: Bearer <key>`")
        key = authenticate(session, credentials.credentials)
        if role is Role.admin and key.role is not Role.admin:
            raise Forbidden(f"key {key.name!r} is an {key.role}; this needs an admin key")
        return key

    return dependency


EditorDep = Annotated[ApiKey, Depends(_require(Role.editor))]
AdminDep = Annotated[ApiKey, Depends(_require(Role.admin))]
