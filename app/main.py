"""Application factory: `create_app(settings)`; nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.middleware.gzip import GZipMiddleware

from app import dataversion, errors
from app.cache import CacheMiddleware
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.respond import reject_unknown_params
from app.routers import changes, countries, health, records, resolutions, search, sources, treaties


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for the given settings (default: from the environment)."""
    settings = settings or Settings()
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)

    version_reader = dataversion.VersionReader(engine, settings.data_version_ttl)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        version_reader.close()
        engine.dispose()

    app = FastAPI(
        title="Treaty Status API",
        version="1.0.0",
        summary="Countries' status toward the Mine Ban Treaty, the CCM and the CCW, their UNGA "
        "votes, stockpiles and practices, each fact with its source and footnotes.",
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_params)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessions
    app.state.version_reader = version_reader
    errors.install(app)
    for module in (health, countries, treaties, resolutions, sources, search, records, changes):
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.description and not route.summary:
                route.summary = route.description.strip().splitlines()[0].rstrip(".")
        app.include_router(module.router)
    # Outermost last: CORS sees every response (cached ones too), the cache stores gzip bodies.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CacheMiddleware, max_entries=settings.response_cache_entries)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["*"],
        expose_headers=["ETag", "Link", "Change-Id", "Feed-Cursor"],
        max_age=3600,
    )
    return app
