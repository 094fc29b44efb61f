"""Operations: request ids, logs, security headers, metrics, readiness, limits, database faults."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app import dataversion
from app.config import PROJECT_ROOT, Settings
from app.db import make_engine
from app.limits import BodyLimitMiddleware, RateLimiter
from app.main import create_app
from tests.conftest import migrate


def test_request_id_is_returned_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        given = client.get("/v1/treaties/mbt", headers={"X-Request-ID": "dash-42.a"})
        made = client.get("/v1/treaties/mbt", headers={"X-Request-ID": "bad id; drop table"})
    assert given.headers["x-request-id"] == "dash-42.a"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    lines = [orjson.loads(r.getMessage()) for r in caplog.records if r.name == "app.access"]
    assert lines[0]["request_id"] == "dash-42.a"
    assert {k: lines[0][k] for k in ("event", "method", "path", "route", "status")} == {
        "event": "request",
        "method": "GET",
        "path": "/v1/treaties/mbt",
        "route": "/v1/treaties/{treaty}",
        "status": 200,
    }


def test_no_key_or_secret_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        client.get("/v1/countries/KGZ", headers={"Authorization": "Bearer tsa_abc_supersecret"})
    assert "supersecret" not in caplog.text


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ["/v1/countries/KGZ", "/v1/countries/Atlantis", "/healthz", "/docs"]:
        headers = client.get(url).headers
        assert headers["x-content-type-options"] == "nosniff", url
        assert headers["x-frame-options"] == "DENY", url
        assert headers["referrer-policy"] == "no-referrer", url
        assert "frame-ancestors 'none'" in headers["content-security-policy"], url


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    client.get("/v1/countries/KGZ")
    client.get("/v1/countries/Atlantis")
    body = client.get("/metrics").text
    assert (
        'http_requests_total{method="GET",route="/v1/countries/{country}",status="200"} 1.0' in body
    )
    assert (
        'http_requests_total{method="GET",route="/v1/countries/{country}",status="404"} 1.0' in body
    )
    assert 'http_request_duration_seconds_count{route="/v1/countries/{country}"} 2.0' in body
    assert re.search(r"^data_version \d+\.0$", body, re.M)
    assert "db_pool_connections_in_use" in body


def test_ready_when_the_schema_is_at_head(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["schema"] == client.app.state.schema_head  # type: ignore[attr-defined]


def test_not_ready_when_the_schema_is_behind(client: TestClient) -> None:
    client.app.state.schema_head = "9999"  # type: ignore[attr-defined]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"].endswith("expected 9999: run migrate")


@pytest.fixture
def dead_database() -> TestClient:
    """The app pointed at a port where nothing listens (PostgreSQL refused)."""
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/none", db_connect_timeout=2
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_database_down_is_a_quick_503_and_liveness_stays_up(dead_database: TestClient) -> None:
    started = time.monotonic()
    response = dead_database.get("/v1/countries/KGZ")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["title"] == "Service unavailable"
    assert dead_database.get("/healthz").json() == {"status": "ok"}
    ready = dead_database.get("/readyz")
    assert (ready.status_code, ready.json()["title"]) == (503, "Not ready")


def test_metrics_answer_without_the_database_facts_while_it_is_down(
    dead_database: TestClient,
) -> None:
    dead_database.get("/healthz")
    started = time.monotonic()
    response = dead_database.get("/metrics")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert 'http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in response.text
    assert "db_pool_connections_in_use 0.0" in response.text
    assert not re.search(r"^data_(version|imports)", response.text, re.M)


def test_oversized_declared_bodies_are_413(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_body_bytes": 1024}))
    with TestClient(app) as client:
        declared = client.post("/v1/countries", content=b"x" * 2048)
        assert declared.status_code == 413
        assert declared.headers["content-type"] == "application/problem+json"
        assert declared.json()["title"] == "Request body too large"
        assert client.post("/v1/countries", content=b"x" * 512).status_code == 405


def test_oversized_streamed_bodies_are_413() -> None:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    app = BodyLimitMiddleware(Starlette(routes=[Route("/", echo, methods=["POST"])]), 1024)

    def chunks(size: int) -> Iterator[bytes]:
        for _ in range(4):
            yield b"y" * size

    with TestClient(app) as client:
        assert client.post("/", content=chunks(200)).text == "800"
        assert client.post("/", content=chunks(600)).status_code == 413


def test_search_rate_limit_answers_429_with_retry_after(
    settings: Settings, session: Session
) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_search": 3}))
    with TestClient(app) as client:
        codes = [client.get("/v1/search", params={"q": f"mine{i}"}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/search", params={"q": "again"})
        assert limited.headers["retry-after"] == "20"
        assert limited.json()["title"] == "Too many requests"
        assert client.get("/v1/countries/KGZ").status_code == 200  # plain reads are not limited


def test_token_bucket_refills() -> None:
    limiter = RateLimiter(per_minute=60)
    assert [limiter.wait("a", now=0.0) for _ in range(60)] == [0.0] * 60
    assert limiter.wait("a", now=0.0) == pytest.approx(1.0)
    assert limiter.wait("a", now=1.0) == 0.0
    assert limiter.wait("b", now=1.0) == 0.0
    assert RateLimiter(per_minute=0).wait("a") == 0.0


def test_configuration_table_in_the_readme_is_the_settings_class() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    from app.config import settings_table

    assert settings_table() in readme


def test_data_version_moves_the_metrics_gauge(client: TestClient, session: Session) -> None:
    before = dataversion.current(session)
    dataversion.bump(session)
    assert f"data_version {before + 1}.0" in client.get("/metrics").text


def test_migrations_are_an_explicit_step(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}")
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 503  # not migrated: not ready
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with engine.begin() as conn:
            migrate(conn)
        assert client.get("/readyz").status_code == 200


def test_writes_are_rate_limited_per_client(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_writes": 2}))
    with TestClient(app) as client:
        codes = [client.post("/v1/profiles", content="x").status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        assert client.get("/v1/countries/KGZ").status_code == 200


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("api.example.org", 200),
        ("API.example.org:443", 200),
        ("eu.treaties.test:8443", 200),
        ("treaties.test", 400),  # "*.treaties.test" names subdomains only
        ("evil.example.com", 400),
        ("api.example.org.evil.com", 400),
        ("[::1]:8000", 400),
        ("", 400),
    ],
)
def test_only_trusted_hosts_are_served(settings: Settings, host: str, status: int) -> None:
    trusted = ["api.example.org", "*.treaties.test"]
    app = create_app(settings.model_copy(update={"trusted_hosts": trusted}))
    with TestClient(app) as client:
        response = client.get("/healthz", headers={"Host": host})
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    if status == 400:
        assert response.headers["content-type"] == "application/problem+json"
        name = host.split("]")[0].lstrip("[") if host.startswith("[") else host
        assert response.json() == {
            "type": "https://treaty-status-api.example/problems/invalid-host",
            "title": "Invalid host",
            "status": 400,
            "detail": f"host {name!r} is not served here",
            "instance": "/healthz",
            "parameter": "Host",
        }


def test_any_host_is_served_by_default(client: TestClient) -> None:
    assert client.get("/healthz", headers={"Host": "anything.example"}).status_code == 200


@pytest.mark.parametrize(("megabytes", "kib"), [(None, 16384), (64, 65536)])
def test_sqlite_connections_keep_the_configured_page_cache(
    tmp_path: Path, megabytes: int | None, kib: int
) -> None:
    """SQLITE_CACHE_MB sizes every connection's page cache (16 MiB unless set)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cache.db'}")
    if megabytes is not None:
        settings = settings.model_copy(update={"sqlite_cache_mb": megabytes})
    engine = make_engine(settings)
    try:
        with engine.connect() as first, engine.connect() as second:
            sizes = [c.exec_driver_sql("PRAGMA cache_size").scalar() for c in (first, second)]
    finally:
        engine.dispose()
    assert sizes == [-kib, -kib]
