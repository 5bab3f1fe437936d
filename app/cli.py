"""``colorroute serve|migrate|seed-demo|create-user|create-api-key|revoke-api-key|demo-logins``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import ValidationError

from app.config import Settings
from app.db import migrate
from app.db.embedded import exit_cleanly_on_sigterm
from app.db.engine import SessionFactory, make_engine, make_session_factory, resolve_database_url
from app.domain.errors import DomainError
from app.domain.permissions import SYSTEM, Role
from app.observability.logs import configure_logging

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _with_db(settings: Settings, work: Callable[[SessionFactory], Awaitable[T]]) -> T:
    from app.services.security import configure_password_cost

    configure_password_cost(settings.password_rounds)
    url = resolve_database_url(settings)
    migrate.upgrade(url)

    async def run() -> T:
        engine = make_engine(url, pool_size=2)
        try:
            return await work(make_session_factory(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(1) from None


def _check_store(settings: Settings) -> None:
    """An object store that cannot be used (credentials refused, no bucket, no answer) stops ``serve`` with one
    sentence before anything starts; inside uvicorn's startup it would be buried in a traceback. Each replica's
    startup checks again."""
    if settings.blob_store == "local":
        return
    from app.transfers.s3store import S3Storage, StoreConfigError

    async def check() -> None:
        storage = S3Storage.from_settings(settings)
        await storage.start()
        await storage.close()

    try:
        asyncio.run(check())
    except StoreConfigError as exc:
        print(f"colorroute serve: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.main import create_app, tune_gc_for_serving
    from app.serving import uvicorn_options

    settings = _settings()
    _check_store(settings)
    url = resolve_database_url(settings)
    migrate.upgrade(url)
    workers = args.workers or settings.workers
    options: dict[str, object] = dict(
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,  # keep our JSON logging
        # trusted proxies, header/body timeouts, the connection limit, WebSocket options
        **uvicorn_options(settings),
    )
    if workers > 1:
        # Worker processes share nothing but the database (events travel through it), exactly like replicas
        # behind a proxy. They get the resolved URL, so none of them starts an embedded server of its own.
        os.environ["DATABASE_URL"] = url
        uvicorn.run("app.main:app_from_environment", factory=True, workers=workers, **options)  # type: ignore[arg-type]
    else:
        app = create_app(settings, url)
        tune_gc_for_serving()
        uvicorn.run(app, **options)  # type: ignore[arg-type]


def cmd_migrate(args: argparse.Namespace) -> None:
    migrate.upgrade(resolve_database_url(_settings()))
    print("database is at the newest revision")


def cmd_seed_demo(args: argparse.Namespace) -> None:
    from app.services.demo import seed_demo

    settings = _settings()
    created = _with_db(settings, lambda db: seed_demo(db, settings, SYSTEM))
    print("demo data created" if created else "demo data already present")
    print_demo_logins()


def print_demo_logins() -> None:
    from app.services.demo import DEMO_LOGINS

    print("demo logins (demo data only — never use these in production):")
    for d in DEMO_LOGINS:
        print(f"  {d.username:<10} {d.password:<20} {d.role.value}{' @ ' + d.site if d.site else ''}")


def cmd_create_user(args: argparse.Namespace) -> None:
    from app.services.users import NewUser, create_user

    if not args.password_stdin:
        print("pass the password on standard input with --password-stdin", file=sys.stderr)
        raise SystemExit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    settings = _settings()
    new = NewUser(args.username, password, Role(args.role.upper()), args.display_name, args.site)
    user = _with_db(settings, lambda db: create_user(db, SYSTEM, new))
    print(f"created user {user.username} ({user.role}) id={user.id}")


def cmd_create_api_key(args: argparse.Namespace) -> None:
    from app.services.users import create_api_key

    settings = _settings()
    issued = _with_db(settings, lambda db: create_api_key(db, SYSTEM, args.site, args.name))
    print(f"# API key {issued.key.id} for site {args.site} (shown once; store it now)", file=sys.stderr)
    print(issued.secret)


def cmd_revoke_api_key(args: argparse.Namespace) -> None:
    from app.services.users import revoke_api_key

    key = _with_db(_settings(), lambda db: revoke_api_key(db, SYSTEM, args.id))
    print(f"revoked API key {key.id} ({key.prefix}…)")


def main(argv: list[str] | None = None) -> None:
    configure_logging(os.environ.get("COLORROUTE_LOG_LEVEL", "INFO"), json_logs=not sys.stderr.isatty())
    parser = argparse.ArgumentParser(prog="colorroute", description="Color Routing System orchestrator")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the orchestrator (migrates first)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, help="worker processes (default COLORROUTE_WORKERS or 1)")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="bring the database schema up to date").set_defaults(func=cmd_migrate)
    sub.add_parser("seed-demo", help="create demo users and sample files").set_defaults(func=cmd_seed_demo)
    sub.add_parser("demo-logins", help="print the demo logins").set_defaults(func=lambda a: print_demo_logins())

    cu = sub.add_parser("create-user", help="create a user; password from stdin")
    cu.add_argument("username")
    cu.add_argument("--role", required=True, choices=[r.value.lower() for r in Role] + [r.value for r in Role])
    cu.add_argument("--password-stdin", action="store_true")
    cu.add_argument("--display-name")
    cu.add_argument("--site")
    cu.set_defaults(func=cmd_create_user)

    ck = sub.add_parser("create-api-key", help="issue a daemon key for one site (printed once)")
    ck.add_argument("--site", required=True)
    ck.add_argument("--name")
    ck.set_defaults(func=cmd_create_api_key)

    rk = sub.add_parser("revoke-api-key", help="revoke a daemon key by id")
    rk.add_argument("id")
    rk.set_defaults(func=cmd_revoke_api_key)

    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()  # so that SIGTERM, like Ctrl-C, stops the embedded PostgreSQL we started
    args.func(args)


if __name__ == "__main__":
    main()
