"""Application factory: `create_app(settings)`; nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import errors
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.routers import countries, health


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for the given settings (default: from the environment)."""
    settings = settings or Settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Treaty Status API",
        version="1.0.0",
        summary="Countries' status toward the Mine Ban Treaty, the CCM and the CCW, their UNGA "
        "votes, stockpiles and practices, each fact with its source and footnotes.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(countries.router)
    return app
