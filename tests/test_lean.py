"""The route class: reads solved by their plans answer exactly as FastAPI's solver does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import dataversion
from app.config import Settings
from app.main import create_app
from app.readmodel.store import ModelStore
from app.routers import lean
from app.routers.params import get_session

#: Requests good and bad: several errors at once, repeated and aliased parameters, every kind
#: of parameter the plans read (path, query, lists, dates, the list dependency).
URLS = [
    "/v1/countries/KGZ/votes?limit=2",
    "/v1/countries/kg/votes?vote=yes,no&vote=abstain&from=2000&to=2020-12-31&limit=3",
    "/v1/countries/KGZ/votes?limit=0",
    "/v1/countries/KGZ/votes?limit=abc&from=20&vote=maybe",
    "/v1/countries/KGZ/votes?from=2020-02-30",
    "/v1/countries/KGZ/votes?limit=1&limit=2",
    "/v1/countries/KGZ/votes?format=xml",
    "/v1/countries/KGZ/votes?format=csv&limit=2",
    "/v1/countries/KGZ/votes?cursor=bad",
    "/v1/countries/KGZ/votes?bogus=1",
    "/v1/countries/KGZ/votes?treaty=%00",
    "/v1/countries/Atlantis/votes",
    "/v1/countries/FRA/treaties/mbt?as_of=2026-02-03",
    "/v1/countries/FRA/treaties/mbt?as_of=2026-13-01",
    "/v1/countries/FRA/treaties/mbt?as_of=1700000000",
    "/v1/treaties/mbt/members?as_of=1999-01-01&status=state_party,signatory&limit=5",
    "/v1/treaties/mbt/members?status=",
    "/v1/treaties/mbt/timeline?from=1999&to=2000",
    "/v1/resolutions/A/RES/73/61/votes?limit=3",
    "/v1/resolutions/A/RES/73/61",
    "/v1/resolutions?session=73&limit=2",
    "/v1/resolutions?session=seventy",
    "/v1/countries?q=fr&un_member=true&limit=2",
    "/v1/countries?un_member=maybe&limit=9999",
    "/v1/search?q=mine&limit=2",
    "/v1/search",
]


def _app(settings: Settings, session: Session) -> TestClient:
    app = create_app(settings)
    app.dependency_overrides[get_session] = lambda: session
    app.state.version_reader = lambda: dataversion.current(session)
    app.state.read_models = ModelStore(lambda: nullcontext(session))
    return TestClient(app)


@pytest.fixture
def by_fastapi(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The same app with every route solved by FastAPI: no route has a plan while the app
    builds its handlers (on a router's first request)."""
    with _app(settings, session) as client:
        with monkeypatch.context() as patched:
            patched.setattr(lean.Plan, "of", classmethod(lambda cls, dependant: None))
            for url in URLS:
                client.get(url)
        yield client


def _routes(client: TestClient) -> list[APIRoute]:
    return [r for r in client.app.state.metrics.routes if isinstance(r, APIRoute)]  # type: ignore[attr-defined]


def test_reads_answer_as_fastapi_solves_them(
    client: TestClient, by_fastapi: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved = []
    plan_solve = lean.Plan.solve

    async def counted(plan: lean.Plan, *args: Any) -> dict[str, Any]:
        solved.append(plan)
        return await plan_solve(plan, *args)

    monkeypatch.setattr(lean.Plan, "solve", counted)
    statuses, by_plans = [], []
    for url in URLS:
        theirs = by_fastapi.get(url)
        assert solved == [], url
        ours = client.get(url)
        by_plans.append(bool(solved))
        solved.clear()
        statuses.append(ours.status_code)
        assert ours.status_code == theirs.status_code, url
        assert ours.content == theirs.content, url
        drop = {"x-request-id"}
        assert {k: v for k, v in ours.headers.items() if k not in drop} == {
            k: v for k, v in theirs.headers.items() if k not in drop
        }, url
    assert statuses == [
        *(200, 200, 422, 422, 422, 200, 422, 200, 400, 400, 422, 404),
        *(200, 422, 422, 200, 422, 200, 200, 200, 200, 422, 200, 422, 200, 422),
    ]
    # every request but those refused before their parameters are read (unknown, NUL)
    assert [url for url, planned in zip(URLS, by_plans, strict=True) if not planned] == [
        "/v1/countries/KGZ/votes?bogus=1",
        "/v1/countries/KGZ/votes?treaty=%00",
    ]


def test_several_errors_come_in_fastapi_order(client: TestClient) -> None:
    body = client.get("/v1/countries/KGZ/votes?limit=abc&from=20&vote=maybe").json()
    assert [(e["in"], e["parameter"]) for e in body["errors"]] == [
        ("query", "limit"),
        ("query", "from"),
        ("query", "vote"),
    ]
    assert body["parameter"] == "limit"


def test_every_read_has_a_plan(client: TestClient) -> None:
    solved_by_fastapi = {
        (method, r.path)
        for r in _routes(client)
        if not isinstance(r, lean.LeanRoute) or r.plan() is None
        for method in sorted(r.methods or ())
    }
    # a body (the record writes), or an answer FastAPI serialises (a dict, HTML)
    assert solved_by_fastapi == {
        ("POST", "/v1/records/{kind}"),
        ("PUT", "/v1/records/{kind}/{record_id:record}"),
        ("PATCH", "/v1/records/{kind}/{record_id:record}"),
        ("DELETE", "/v1/records/{kind}/{record_id:record}"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/embed/treaties/{treaty}/map"),
        ("GET", "/embed/countries/{country}"),
        ("GET", "/oembed"),
    }
    route = next(r for r in _routes(client) if r.path == "/v1/countries/{country}/votes")
    assert isinstance(route, lean.LeanRoute)
    plan = route.plan()
    assert plan is not None
    assert [p.alias for p in plan.query] == ["treaty", "vote"]
    assert [(n.name, n.call.kind) for n in plan.needs] == [
        ("model", "async"),
        ("listing", "async"),
        ("period", "async"),
    ]
    period = next(n for n in plan.needs if n.name == "period")
    assert [p.alias for p in period.call.plan.query] == ["from", "to"]


def test_the_docs_pages_pass_the_checks_every_route_does(client: TestClient) -> None:
    """`FastAPIOffline` adds its pages before the app has routers: `lean.adopt` makes them
    `LeanRoute`s, so an unknown parameter is refused there as on any other route."""
    top = [r for r in client.app.router.routes if isinstance(r, APIRoute)]  # type: ignore[attr-defined]
    assert [(type(r), r.path) for r in top] == [
        (lean.LeanRoute, "/docs"),
        (lean.LeanRoute, "/docs/oauth2-redirect"),
        (lean.LeanRoute, "/redoc"),
    ]
    assert client.app.router.route_class is lean.LeanRoute  # type: ignore[attr-defined]  # and later ones
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
        assert "/openapi.json" in page.text
        refused = client.get(f"{path}?bogus=1")
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
        assert (refused.json()["title"], refused.json()["parameter"]) == (
            "Unknown parameter",
            "bogus",
        )


def test_a_routes_session_closes_after_its_streamed_csv(settings: Settings) -> None:
    """Without overrides, the session dependency is an async generator: it stays open while a
    whole CSV streams (its slices read on it), and is closed once the answer is sent."""
    app = create_app(settings)
    with TestClient(app) as client:
        client.get("/v1/treaties/mbt")  # the data-version reader holds its connection
        held = app.state.engine.pool.checkedout()
        streamed = client.get("/v1/treaties/mbt/events?format=csv")
        assert app.state.engine.pool.checkedout() == held
        listed = client.get("/v1/treaties/mbt/events?limit=1000").json()
    assert streamed.status_code == 200
    assert streamed.headers["content-disposition"] == "attachment; filename=events.csv"
    lines = streamed.text.splitlines()
    assert len(listed["data"]) > 10
    assert len(lines) == 1 + len(listed["data"])
    assert listed["next"] is None


async def included(request: Request) -> None:
    """A dependency given to `include_router`: notes the request."""
    request.app.state.seen.append(f"included {request.url.path}")


async def own(request: Request, n: int = 1) -> int:
    """A route's own dependency taking a query parameter."""
    request.app.state.seen.append(f"own {n}")
    return n


def test_dependencies_given_at_inclusion_are_solved_by_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A router included with dependencies of its own: the plan solves them with the route's,
    once each, as FastAPI would."""
    seen: list[str] = []
    plan_solve = lean.Plan.solve

    async def counted(plan: lean.Plan, *args: Any) -> dict[str, Any]:
        seen.append(f"plan of {len(plan.needs)}")
        return await plan_solve(plan, *args)

    monkeypatch.setattr(lean.Plan, "solve", counted)
    router = APIRouter(route_class=lean.LeanRoute)

    @router.get("/twice")
    async def twice(n: Annotated[int, Depends(own)]) -> Response:
        return Response(str(2 * n))

    app = FastAPI()
    app.state.seen = seen
    app.include_router(router, prefix="/x", dependencies=[Depends(included)])
    with TestClient(app) as client:
        assert client.get("/x/twice?n=21").text == "42"
        bad = client.get("/x/twice?n=many")
    # the route's plan needs both, each with its own (empty, then `n`) plan
    assert seen[:5] == ["plan of 2", "plan of 0", "included /x/twice", "plan of 0", "own 21"]
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["detail"]] == [["query", "n"]]
