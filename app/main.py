"""Application factory: `create_app(settings)`; nothing happens at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware

from app import handlers
from app.cache import CacheMiddleware
from app.clock import Clock
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.head import HeadMiddleware
from app.hosts import TrustedHostMiddleware
from app.limits import BodyLimitMiddleware, RateLimiter
from app.observability import Metrics, ObservabilityMiddleware
from app.openapi import document, routes
from app.readmodel.store import ModelStore
from app.replica.middleware import ReadRoutingMiddleware
from app.replica.router import ReadRouter
from app.replica.sources import Source, open_source, reader_for
from app.routers import (
    analytics,
    bulk,
    changes,
    countries,
    counts,
    embeds,
    front,
    health,
    lean,
    pages,
    profiles,
    records,
    resolutions,
    search,
    sources,
    treaties,
    votes,
)

#: The docs' sections, in order.
TAGS = (
    *("operations", "countries", "treaties", "embeds", "resolutions", "votes", "analytics"),
    "sources",
    *("search", "profiles", "writes", "changes", "bulk"),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for the given settings (default: from the environment)."""
    settings = settings or Settings()
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)

    # on PostgreSQL read on the event loop, without blocking it
    version_reader = reader_for(engine, settings.database_url, settings)
    metrics = Metrics(engine)
    router = None
    if settings.database_read_url:
        primary = Source("primary", engine, sessions, version_reader)
        replica = open_source("replica", settings.database_read_url, settings)
        router = ReadRouter(primary, replica, metrics.registry)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # what is built at start-up lives as long as the process: the cyclic collector need
        # not walk it again on every collection (its pauses are the tail of the latency)
        gc.collect()
        gc.freeze()
        yield
        metrics.close()
        version_reader.close()
        engine.dispose()
        if router is not None:
            router.replica.close()

    app = FastAPIOffline(
        title="Treaty Status API",
        generate_unique_id_function=routes.operation_id,
        version="1.0.0",
        summary="Countries' status toward the Mine Ban Treaty, the CCM and the CCW, their UNGA "
        "votes, stockpiles and practices, each fact with its source and footnotes.",
        lifespan=lifespan,
        openapi_tags=[{"name": tag} for tag in TAGS],
    )
    lean.adopt(app.router)  # the docs pages
    app.state.settings = settings
    app.state.clock = Clock(settings.test_clock_file)
    app.state.engine = engine
    app.state.sessionmaker = sessions
    app.state.version_reader = version_reader
    app.state.read_models = ModelStore(sessions)
    app.state.read_router = router
    app.state.metrics = metrics
    app.state.schema_head = schema_head()
    app.state.rate_limiters = {
        "search": RateLimiter(settings.rate_limit_search),
        "writes": RateLimiter(settings.rate_limit_writes),
    }
    handlers.install(app)
    # A request is matched against the routers in this order (each router's routes in turn):
    # the data reads first, the probes, embeds and pages after them. The docs keep `TAGS`' order.
    for module in (
        countries,
        treaties,
        counts,
        resolutions,
        votes,
        analytics,
        sources,
        search,
        profiles,
        records,
        changes,
        bulk,
        health,
        embeds,
        front,
        pages,
    ):
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                routes.describe(route)
                metrics.routes.append(route)
        app.include_router(module.router)
    # Outermost last: CORS sees every response (cached ones too), the cache stores gzip bodies,
    # a HEAD reaches the cache as a GET.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    dated = [r for r in metrics.routes if isinstance(r, APIRoute)]
    app.add_middleware(CacheMiddleware, max_entries=settings.response_cache_entries, dated=dated)
    if router is not None:
        app.add_middleware(ReadRoutingMiddleware, router=router)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["*"],
        expose_headers=[
            *("ETag", "Link", "Retry-After", "X-Request-ID", "Change-Id", "Feed-Cursor"),
            "X-Read-From",
        ],
        max_age=3600,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, hosts=settings.trusted_hosts)
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    app.openapi = contract(app, dated, settings.public_url)  # type: ignore[method-assign]
    return app


def contract(app: FastAPI, served: list[APIRoute], server: str) -> Callable[[], dict[str, Any]]:
    """`app.openapi`: FastAPI's document of the app's `served` routes, completed once
    (`app.openapi.document`)."""
    written = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document.complete(written(), served, server)
        return app.openapi_schema

    return openapi


def schema_head() -> str | None:
    """The newest migration, which a ready database must be at."""
    from alembic.script import ScriptDirectory

    from app.db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()  # type: ignore[arg-type]
