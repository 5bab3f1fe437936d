"""``create_app(settings)``: the Starlette application and its lifespan (engine, event hub, sweeper)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from app.config import Settings
from app.db.engine import make_engine, make_session_factory, plain_url, resolve_database_url
from app.domain.permissions import SYSTEM
from app.events.hub import EventHub
from app.events.revocations import Revocations
from app.guards import BodyLimit, OriginGuard
from app.integrations.mam import mam_adapter
from app.integrations.mhl import mhl_routes
from app.observability.metrics import RequestMetrics, metrics_endpoint
from app.services.multipart import orphan_sweep_loop
from app.services.packages import STALE_STAGING, forget_stale_staging
from app.services.periodic import every
from app.services.reads import compact_state_counts
from app.services.records import REVOCATION_TOPIC
from app.services.reporting import sweep_offline
from app.services.routing import invalidate_rules
from app.services.security import LoginLimiter, PasswordChecks, configure_password_cost
from app.services.transfers import lease_loop
from app.services.uploads import retention_loop
from app.services.webhooks import dispatcher_loop
from app.transfers import transfer_routes
from app.transfers.stores import LocalStorage, storage_from_settings
from graphql_schema.schema import build_schema
from graphql_schema.view import ColorRouteGraphQL

log = logging.getLogger("colorroute")


class _ImmutableStatic(StaticFiles):
    """Hashed build assets never change under the same name: let browsers keep them for a year."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _frontend_routes(dist: Path) -> list[Route | Mount]:
    index = dist / "index.html"

    async def spa(request: Request) -> Response:
        if not index.exists():
            return PlainTextResponse(
                "The web UI is not built. Run `make run` (or `cd frontend && npm ci && npm run build`).", 503
            )
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    async def graphiql(request: Request) -> Response:
        page = dist / "graphiql.html"
        if not page.exists():
            return PlainTextResponse("GraphiQL is not built.", 503)
        return FileResponse(page, headers={"Cache-Control": "no-cache"})

    routes: list[Route | Mount] = [Route("/graphiql", graphiql)]
    if (dist / "assets").is_dir():
        routes.append(Mount("/assets", app=_ImmutableStatic(directory=dist / "assets"), name="assets"))
    routes.append(Route("/{path:path}", spa))
    return routes


def create_app(settings: Settings, database_url: str | None = None) -> Starlette:
    """Build the app. ``database_url`` (plain postgresql://) skips resolving/starting the database."""
    url = database_url or resolve_database_url(settings)
    configure_password_cost(settings.password_rounds)
    engine = make_engine(url, settings.db_pool_size, settings.db_pool_timeout_seconds)
    db = make_session_factory(engine)
    hub = EventHub(plain_url(url), queue_size=settings.subscriber_queue_size, poll_seconds=settings.event_poll_seconds)
    hub.on_topic("routing", lambda _event: invalidate_rules(db))  # a rule changed on any replica
    revocations = Revocations()
    hub.on_topic(REVOCATION_TOPIC, revocations.heard)
    limiter = LoginLimiter(
        settings.login_max_attempts, settings.login_window_seconds, PasswordChecks(settings.password_checks)
    )
    graphql = ColorRouteGraphQL(
        build_schema(settings),
        settings=settings,
        db=db,
        hub=hub,
        limiter=limiter,
        mam=mam_adapter(settings),
        revocations=revocations,
    )

    storage = storage_from_settings(settings)  # local disk or S3: every byte path gets this one explicitly
    offline_after = timedelta(seconds=settings.site_offline_after_seconds)
    offline_every = min(15.0, settings.site_offline_after_seconds / 3)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.daemon_api_key:
            log.warning(
                "DAEMON_API_KEY is set: one key for every site. Prefer per-site keys "
                "(`colorroute create-api-key --site SITE`)."
            )
        await storage.start()  # refuses to start on wrong credentials or a bucket it cannot create
        await hub.start()
        tasks = [
            asyncio.create_task(
                every(offline_every, lambda: sweep_offline(db, SYSTEM, offline_after), "offline sweep"),
                name="offline-sweeper",
            ),
            asyncio.create_task(dispatcher_loop(db, settings), name="webhook-dispatcher"),
            asyncio.create_task(retention_loop(settings, db, storage), name="blob-retention"),
            asyncio.create_task(lease_loop(db, settings), name="transfer-lease"),
            asyncio.create_task(
                every(5.0, lambda: compact_state_counts(db), "state count compaction"), name="state-count-compaction"
            ),
            asyncio.create_task(
                every(min(60.0, limiter.window), lambda: limiter.forget_expired(db), "login attempt clean-up"),
                name="login-attempt-cleanup",
            ),
            asyncio.create_task(
                every(600.0, lambda: forget_stale_staging(db, STALE_STAGING), "staged package member clean-up"),
                name="staged-member-cleanup",
            ),
        ]
        if not isinstance(storage, LocalStorage):
            tasks.append(asyncio.create_task(orphan_sweep_loop(db, storage), name="multipart-orphan-sweep"))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await hub.stop()  # ends every subscription cleanly before the engine goes
            limiter.passwords.close()
            await storage.close()
            await engine.dispose()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            async with engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), timeout=3)
            database = True
        except Exception:
            database = False
        ok = database and hub.healthy
        return JSONResponse({"database": database, "listener": hub.healthy}, status_code=200 if ok else 503)

    routes: list[Route | Mount | WebSocketRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint(settings, db, hub)),
        Route("/graphql", graphql),  # every method: the view answers non-POST with a coded JSON 405
        WebSocketRoute("/graphql", graphql),
        *transfer_routes(settings, db, storage),  # /uploads/ (tus) and /blobs/{file_id}, before the UI catch-all
        *mhl_routes(settings, db),  # GET /files/{id}/mhl: a package as an ASC MHL manifest (docs/custody.md)
        *_frontend_routes(settings.frontend_dist),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestMetrics),
            Middleware(OriginGuard, allowed=settings.allowed_origins),
            Middleware(BodyLimit, limit=settings.max_body_bytes),
        ],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.hub = hub
    app.state.engine = engine
    app.state.storage = storage
    return app


def app_from_environment() -> Starlette:
    """For ``colorroute serve --workers N``: each worker process builds its app from the environment."""
    from app.observability.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_logs=not sys.stderr.isatty())
    app = create_app(settings)
    tune_gc_for_serving()
    return app


def tune_gc_for_serving() -> None:
    """For a serving process only (not tests, which build many apps in one process): freeze what start-up
    built so the collector never scans it again, and collect the oldest generation less often. With 1,000
    WebSocket subscribers, full collections grew to 100-220 ms pauses that stalled every delivery of the
    event in flight (fan-out p99 355 ms -> 168 ms with this, measured with a profiling harness)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
