"""The `dprk-labor` command: migrate, check, load, export, keys, extract, serve."""

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.config import get_settings


def _migrate(args: argparse.Namespace) -> int:
    from alembic.script.revision import RevisionError

    from app import migrate
    from app.db import bulk_engine

    if not args.down:
        migrate.upgrade(revision=args.revision or "head")
        print(f"database at {migrate.head_revision() if not args.revision else args.revision}")
        return 0
    # A downgrade can drop tables holding what no upgrade brings back, so it names its
    # target, shows what it would undo, and runs only when told --yes.
    if not args.revision:
        print(
            "migrate --down needs --revision REV (a revision id, or base to drop every table)",
            file=sys.stderr,
        )
        return 1
    current = migrate.current_revision(bulk_engine())
    try:
        plan = migrate.downgrade_plan(current, args.revision)
    except RevisionError as exc:
        print(f"cannot downgrade from {current} to {args.revision}: {exc}", file=sys.stderr)
        return 1
    if not plan:
        print(f"nothing to undo: the database is at {current or 'base'}")
        return 0
    if not args.yes:
        print(f"downgrading to {args.revision} would undo, newest first:", file=sys.stderr)
        for step in plan:
            print(f"  {step.revision}  {step.title}", file=sys.stderr)
            if step.loses:
                print(f"      LOSES: {step.loses}", file=sys.stderr)
        print("nothing was changed; run again with --yes to downgrade", file=sys.stderr)
        return 1
    migrate.downgrade(revision=args.revision)
    print(f"downgraded to {args.revision}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from app import seed

    data, problems = seed.check(args.path)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {args.path}", file=sys.stderr)
        return 1
    print(
        f"{args.path}: ok ({len(data.estimates)} estimates, {len(data.documents)} documents, "
        f"{len(data.sources)} sources)"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from app import dump
    from app.db import bulk_engine

    with bulk_engine().connect() as conn:
        counts = dump.export(conn, args.path)
    print(f"exported {sum(counts.values()):,} rows of {len(counts)} tables to {args.path}")
    return 0


def _restore(path: Path) -> int:
    from app import dump
    from app.db import bulk_engine

    try:
        with bulk_engine().begin() as conn:
            counts = dump.restore(conn, path)
    except dump.DumpError as exc:
        print(f"{exc}; nothing was loaded", file=sys.stderr)
        return 1
    print(f"restored {sum(counts.values()):,} rows of {len(counts)} tables from {path}")
    return 0


def _load(args: argparse.Namespace) -> int:
    from app import dump, seed
    from app.db import bulk_engine, session_factory

    if dump.is_dump(args.path):
        return _restore(args.path)
    with session_factory(bulk_engine())() as session:
        try:
            report = seed.load(session, args.path)
        except seed.SeedError as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
            print(f"{exc}; nothing was loaded", file=sys.stderr)
            return 1
        session.commit()
    print(f"loaded {args.path}: {report}")
    return 0


def _keys(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from app import auth
    from app.db import bulk_engine, session_factory
    from app.enums import Role
    from app.models import ApiKey

    with session_factory(bulk_engine())() as session:
        if args.action == "create":
            try:
                key = auth.create_key(session, args.name, Role(args.role))
                session.commit()
            except IntegrityError:
                print(f"a key named {args.name!r} exists already", file=sys.stderr)
                return 1
            print(key)
            print(f"# {args.role} key {args.name!r}: shown once, store it now", file=sys.stderr)
        elif args.action == "list":
            for k in session.scalars(select(ApiKey).order_by(ApiKey.name)):
                state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
                print(f"{k.name}\t{k.role}\tdlk_{k.prefix}_…\t{state}")
        else:
            if not auth.revoke_key(session, args.name):
                print(f"no active key named {args.name!r}", file=sys.stderr)
                return 1
            session.commit()
            print(f"revoked {args.name!r}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from app.as_of import make_release
    from app.db import bulk_engine, session_factory

    with session_factory(bulk_engine())() as session:
        try:
            release = make_release(session, args.name, args.notes)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
        session.commit()
    print(
        f"release {release.name!r}: data version {release.data_version}; read it with "
        f"as_of={release.name}"
    )
    return 0


def _extraction_database() -> Any:
    """A session on DATABASE_URL's database when it exists and is migrated, else None: the
    extraction then names what seed_data/ knows and matches no echoes. Nothing is created:
    trying a text must not leave an empty SQLite file behind."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from app.db import bulk_engine, session_factory

    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file()):
        return None
    try:
        if not inspect(bulk_engine()).has_table("estimate"):
            return None
    except SQLAlchemyError:
        return None
    return session_factory(bulk_engine())()


def _extract(args: argparse.Namespace) -> int:
    import json

    from app import extraction

    try:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    session = _extraction_database()
    if session is None:
        vocab = extraction.seed_vocabulary(get_settings().seed_dir)
        found = extraction.extract(text, args.published, vocab)
        where = f"vocabulary of {get_settings().seed_dir}; no database, so no echoes matched"
    else:
        with session:
            vocab = extraction.vocabulary(session)
            found = extraction.match_echoes(
                session, extraction.extract(text, args.published, vocab)
            )
        where = "vocabulary and echoes from the database (DATABASE_URL)"
    if args.json:
        print(json.dumps([c.to_json() for c in found], indent=2, ensure_ascii=False))
    else:
        _print_candidates(found)
    print(f"{len(found)} candidate(s); {where}", file=sys.stderr)
    return 0


def _print_candidates(found: list[Any]) -> None:
    """The candidates as a table for reading in a terminal (rich)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=True)
    for name in ("#", "value", "reads as", "period", "scope", "metric", "claimant", "quote"):
        table.add_column(name, overflow="fold")
    for i, c in enumerate(found, 1):
        v, p, s = c.value, c.period, c.scope
        numbers = ", ".join(
            f"{k} {v[k]:,}" for k in ("amount", "low", "high", "from", "to") if v.get(k) is not None
        )
        reads = f"{v['kind']} · {v['qualifier']}\n{numbers} {v['unit']}" + (
            f" per {v['per']}" if v.get("per") else ""
        )
        period = (
            "unknown" if p["start"] is None else f"{p['start']} to {p['end']} ({p['precision']})"
        )
        if c.period_resolved:
            period += "\nresolved"
        scope = "worldwide" if s["worldwide"] else ", ".join(s["countries"])
        if s.get("place"):
            scope += f"\n{s['place']}"
        metric = f"{c.metric} ({c.metric_confidence:.0%})" if c.metric else "?"
        if c.echo_of:
            metric += f"\necho of {c.echo_of}"
        claimant = c.claimant or (c.claimant_text or "")
        table.add_row(str(i), v["text"], reads, period, scope, metric, claimant, c.quote)
    console = Console()
    # piped output gets room for the quotes rather than the 80 columns of no terminal
    console.width = max(console.width, 160)
    console.print(table)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        proxy_headers=True,
    )
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per job."""
    default_seed = get_settings().seed_dir
    parser = argparse.ArgumentParser(prog="dprk-labor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="migrate the database (DATABASE_URL) to the newest schema")
    p.add_argument(
        "--down",
        action="store_true",
        help="downgrade instead, to --revision (required); without --yes only shows what it "
        "would undo and lose",
    )
    p.add_argument(
        "--revision", help="target revision (default: head); with --down, `base` drops every table"
    )
    p.add_argument("--yes", action="store_true", help="with --down: go ahead, losing what it lists")
    p.set_defaults(func=_migrate)

    p = sub.add_parser("check", help="validate seed data without writing anything")
    p.add_argument("path", nargs="?", type=Path, default=default_seed)
    p.set_defaults(func=_check)

    p = sub.add_parser("export", help="dump every table to a folder (NDJSON + manifest.json)")
    p.add_argument("path", type=Path)
    p.set_defaults(func=_export)

    p = sub.add_parser(
        "load", help="load seed data (idempotent, all or nothing), or restore a dump folder"
    )
    p.add_argument("path", nargs="?", type=Path, default=default_seed)
    p.set_defaults(func=_load)

    p = sub.add_parser("keys", help="API keys for editors and admins")
    keys = p.add_subparsers(dest="action", required=True)
    k = keys.add_parser("create", help="make a key and print it (once)")
    k.add_argument("--name", required=True, help="who holds it; shown in the audit log")
    k.add_argument("--role", choices=["editor", "admin"], default="editor")
    keys.add_parser("list", help="list keys (names, roles, state; never the secrets)")
    k = keys.add_parser("revoke", help="revoke a key by name")
    k.add_argument("name")
    p.set_defaults(func=_keys)

    p = sub.add_parser(
        "release", help="name the current data version, for citing (read it with as_of=NAME)"
    )
    p.add_argument("name", help="starts with a letter: e.g. 2024-q1 is not, q1-2024 is")
    p.add_argument("--notes", help="what the release is for")
    p.set_defaults(func=_release)

    p = sub.add_parser(
        "extract",
        help="propose the figures a text states (value, hedge, period, scope, metric, quote); "
        "uses DATABASE_URL's database for names and echoes when it exists, else seed_data/",
    )
    p.add_argument("file", type=Path, help="a UTF-8 text file, or - for standard input")
    p.add_argument(
        "--published",
        type=_iso_date,
        help="the document's date, YYYY-MM-DD: relative dates ('in December', 'last year') "
        "are resolved against it; without it they are left unresolved",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_extract)

    p = sub.add_parser("serve", help="serve the API with uvicorn")
    p.add_argument("--host", help="default: API_HOST or 127.0.0.1")
    p.add_argument("--port", type=int, help="default: API_PORT or 8000")
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `dprk-labor`."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
