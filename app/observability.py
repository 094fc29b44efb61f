"""Request ids, JSON access logs, Prometheus metrics and security headers (pure ASGI)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import dataversion
from app.framing import security_headers
from app.history import import_counts

log = logging.getLogger("app.access")
#: Where worker processes share their metrics (prometheus-client's multiprocess mode).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class Metrics:
    """The Prometheus metrics of one app (its own registry, so tests can build many apps).

    When PROMETHEUS_MULTIPROC_DIR is set (`serve --workers N`), prometheus-client keeps the
    values in files there and a scrape reads the files of every worker.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.directory = os.environ.get(MULTIPROC_ENV) or None
        self.routes: list[BaseRoute] = []  # to name the route of responses served before routing
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "HTTP requests by route, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer, by route.",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
            registry=self.registry,
        )
        self.pool_in_use = Gauge(
            "db_pool_connections_in_use",
            "Database connections checked out of the pool.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def sample_pool(self) -> None:
        """Set the pool gauge to the connections this process has checked out now."""
        self.pool_in_use.set(pool_checked_out(self.engine))

    def render(self, extra: list[Metric]) -> bytes:
        """The text exposition: this app's metrics (every worker's), then the `extra` families."""
        own = self._files() if self.directory else self.registry
        return generate_latest(own) + generate_latest(_Families(extra))

    def close(self) -> None:
        """At shutdown: drop this worker's live gauges from the shared files."""
        if self.directory:
            mark_process_dead(os.getpid(), self.directory)  # type: ignore[no-untyped-call]

    def _files(self) -> MultiProcessCollector:
        """Every worker's values, from the shared files."""
        return MultiProcessCollector(None, self.directory)  # type: ignore[no-untyped-call]


class _Families:
    """Metric families computed at scrape time, as a collector."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> list[Metric]:
        """The families as given."""
        return self.families


def database_metrics(session: Session) -> list[Metric]:
    """The data version and imports by importer, read now (nothing if the database fails)."""
    try:
        imports = import_counts(session)
        version = dataversion.current(session)
    except SQLAlchemyError as exc:
        logging.getLogger("app").warning("metrics: database facts skipped (%s)", type(exc).__name__)
        return []
    counts = CounterMetricFamily(
        "data_imports", "Imports recorded in the history, by importer.", labels=["importer"]
    )
    last = GaugeMetricFamily(
        "data_import_last_timestamp_seconds",
        "Time of the last recorded import, by importer.",
        labels=["importer"],
    )
    for importer, (count, at) in sorted(imports.items()):
        counts.add_metric([importer], count)
        last.add_metric([importer], at.timestamp())
    data = GaugeMetricFamily(
        "data_version", "Data version behind ETags (bumped by every write and import).", version
    )
    return [data, counts, last]


@contextmanager
def multiprocess_directory(workers: int) -> Iterator[Path | None]:
    """Set up PROMETHEUS_MULTIPROC_DIR for `workers` processes sharing their metrics.

    The operator's directory is kept (its stale files removed); otherwise, with several
    workers, a fresh private one is made, exported to them, and removed at the end.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        yield path
        return
    if workers <= 1:
        yield None
        return
    path = Path(tempfile.mkdtemp(prefix="treaty-metrics-"))
    os.environ[MULTIPROC_ENV] = str(path)
    try:
        yield path
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(path, ignore_errors=True)


class ObservabilityMiddleware:
    """Outermost layer: request id in and out, one JSON log line and metrics per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                    *security_headers(scope["path"]),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            route = route_of(scope, self.metrics.routes)
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            self.metrics.sample_pool()
            if log.isEnabledFor(logging.INFO):  # the line is only written when it is logged
                log.info(
                    orjson.dumps(
                        {
                            "event": "request",
                            "request_id": request_id,
                            "method": scope["method"],
                            "path": scope["path"],
                            "route": route,
                            "status": status,
                            "ms": round(elapsed * 1000, 2),
                            "client": (scope.get("client") or ("", 0))[0],
                        }
                    ).decode()
                )


def route_of(scope: Scope, routes: list[BaseRoute]) -> str:
    """The route template of a request; cache hits and 304s skip routing, so match it here."""
    route = scope.get("route") or next(
        (r for r in routes if r.matches(scope)[0] is Match.FULL), None
    )
    return getattr(route, "path", None) or "unmatched"


def configure_logging(level: str = "INFO") -> None:
    """Plain message lines (each already JSON) on stderr for the app's loggers."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("app.access", "app"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def pool_checked_out(engine: Any) -> int:
    """Connections in use, for pools that can tell (QueuePool)."""
    checked = getattr(engine.pool, "checkedout", None)
    return int(checked()) if callable(checked) else 0
