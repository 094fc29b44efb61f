"""Operational endpoints: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from app.errors import ProblemError, problem_responses
from app.observability import database_metrics
from app.routers.lean import LeanRoute
from app.routers.params import DbSession

router = APIRouter(tags=["operations"], route_class=LeanRoute)


@router.get(
    "/healthz",
    description='For a liveness probe: `{"status": "ok"}` whenever the process is up. It '
    "never touches the database, so it stays 200 while the database is unreachable.",
)
async def get_health() -> dict[str, str]:
    """Liveness: the process is up (does not touch the database)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses=problem_responses(503),
    description="For a readiness probe or a deployment check: 200 with the schema revision when "
    "the database answers and its schema is at the newest migration; otherwise a 503 problem "
    "saying why (database unreachable, or migrations not yet run: `python -m app migrate`).",
)
def get_readiness(request: Request) -> dict[str, Any]:
    """Readiness: the database answers and its schema is at the newest migration."""
    try:
        with request.app.state.engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:
        raise ProblemError(
            503, "Not ready", f"database unreachable ({type(exc).__name__})", kind="not-ready"
        ) from exc
    head = request.app.state.schema_head
    if revision != head:
        raise ProblemError(
            503,
            "Not ready",
            f"schema at {revision}, expected {head}: run migrate",
            kind="not-ready",
        )
    return {"status": "ready", "schema": str(revision)}


@router.get(
    "/metrics",
    response_class=Response,
    description="For a Prometheus scrape, in its text format: request counts and durations by "
    "route, method and status, pool connections in use and, read from the database at each "
    "scrape, the data version and the imports recorded. With several workers the figures are "
    "those of all of them; while the database is unreachable it still answers, without the "
    "samples read from it.",
)
def get_metrics(request: Request, session: DbSession) -> Response:
    """Prometheus metrics: requests, latency, pool use (all workers), data version, imports."""
    state = request.app.state
    state.metrics.sample_pool()
    facts = database_metrics(session)
    return Response(state.metrics.render(facts), media_type=CONTENT_TYPE_LATEST)
