"""The route class against FastAPI, by generated requests: for every GET route whose parameters
a `LeanRoute` plan solves, the plan and FastAPI's own solver (`solve_dependencies`, given the
dependant FastAPI builds for the route as the app serves it) solve the same requests to the
same values, the same errors in the same order and the same dependencies cached, or raise the
same exception; and the app answers a sample of them over HTTP exactly as the same app whose
routes FastAPI solves. Routes of a small app of its own test what the app's routes do not use.

The requests are drawn from the served OpenAPI document: valid values from each parameter's
declared type, enum, pattern and examples, invalid ones, repeats, unknown and empty parameters,
odd Unicode and every way of percent-encoding a query; path parameters likewise. Each case runs,
as drawn, on the app as served (generator dependencies, its own sessions) or on the app with the
tests' overrides (the session, the data version), so that both ways a plan calls a dependency
are compared. The run is derandomized: the same cases on every run.
"""

from __future__ import annotations

import functools
import inspect
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, nullcontext
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.dependencies.utils import solve_dependencies
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Json
from sqlalchemy.orm import Session

from app import dataversion
from app.config import Settings
from app.limits import RateLimiter
from app.main import create_app
from app.readmodel.model import ReadModel
from app.readmodel.store import ModelStore
from app.respond import ListParams
from app.routers import lean
from app.routers.params import get_session
from tests.lean_requests import (
    Target,
    query_names,
    requests,
    scope_of,
    targets,
    unplanned,
    url_of,
)

#: Cases per route and app; with two apps, each route is solved 2 x CASES times each way.
CASES = 50
DIFFERENTIAL = settings(
    max_examples=CASES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
#: Requests per route sent to the app and to the same app solved by FastAPI, compared whole.
HTTP_CASES = 8
HTTP = settings(DIFFERENTIAL, max_examples=HTTP_CASES)
#: Routes whose answer is the app's own measurements (of its requests, its latencies), which
#: differ between two apps however their parameters are solved.
OWN_STATE = {"/metrics"}
#: The GET routes FastAPI solves: they answer a dict or HTML (every other GET has a plan).
UNPLANNED = {"/healthz", "/readyz", "/embed/treaties/{treaty}/map", "/embed/countries/{country}"}
UNPLANNED |= {"/oembed"}
#: The instant both solvers read as now (pinned in the request, as the cache middleware does).
NOW = datetime(2026, 2, 19, 12, 0, tzinfo=UTC)

#: How the cases of each route came out (solved, refused, raised), by the test that ran them;
#: printed at the end of the module.
KINDS: dict[str, dict[str, Counter[str]]] = {"solved": {}, "http": {}, "seams": {}}


@pytest.fixture(scope="module", autouse=True)
def report_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many cases each test ran (shown whatever pytest captures)."""
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else nullcontext():
        for test, by_route in KINDS.items():
            if not by_route:
                continue
            kinds = sum(by_route.values(), Counter())
            shown = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
            total, routes = kinds.total(), len(by_route)
            print(f"\nlean differential, {test}: {total} cases, {routes} routes ({shown})")


# --- the two solvers ----------------------------------------------------------------------------


def _norm(value: Any, request: Request) -> Any:
    """`value` in a form compared by value (objects compared by what they hold)."""
    if value is request:
        return "<the request>"
    if isinstance(value, Request):
        return "<another request>"
    if isinstance(value, Session):
        return "<a session>"
    if isinstance(value, ReadModel):
        return ("<read model>", value.version)
    if isinstance(value, ListParams):
        return ("ListParams", _norm(vars(value), request))
    if isinstance(value, BaseModel):
        return (type(value).__qualname__, _norm(value.model_dump(), request))
    if is_dataclass(value) and not isinstance(value, type):
        held = {f.name: getattr(value, f.name) for f in fields(value)}
        return (type(value).__qualname__, _norm(held, request))
    if isinstance(value, BaseException):
        held = {k: v for k, v in vars(value).items() if k != "endpoint_ctx"}
        return (type(value).__qualname__, _norm(value.args, request), _norm(held, request))
    if isinstance(value, dict):
        return ("dict", [(_norm(k, request), _norm(v, request)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__qualname__, [_norm(v, request) for v in value])
    if isinstance(value, set | frozenset):
        return (type(value).__qualname__, frozenset(_norm(v, request) for v in value))
    if isinstance(value, Enum | str | int | float | date | bytes) or value is None:
        return (type(value).__qualname__, value)
    if inspect.isroutine(value):  # a dependency, in the key it is cached by
        return ("function", value.__module__, value.__qualname__, id(value))
    raise TypeError(f"no way to compare a {type(value).__qualname__}")


@dataclass(frozen=True)
class Outcome:
    """What a solver made of a request: values, errors and the dependencies it cached, or the
    exception it raised."""

    values: Any
    errors: Any
    cached: Any
    raised: Any

    @property
    def kind(self) -> str:
        """`raised`, `refused` (errors) or `solved`."""
        return "raised" if self.raised is not None else "refused" if self.errors[1] else "solved"


async def solve(scope: dict[str, Any], target: Target, by_plan: bool) -> Outcome:
    """How one solver (the plan, or FastAPI's) solves the request of `scope`."""
    async with AsyncExitStack() as inner, AsyncExitStack() as function:
        own = {
            **scope,
            "state": {"now": NOW},
            "fastapi_inner_astack": inner,
            "fastapi_function_astack": function,
        }
        request = Request(own)
        errors: list[Any] = []
        cache: dict[Any, Any] = {}
        try:
            if by_plan:
                values = await target.plan.solve(request, errors, cache)
            else:
                solved = await solve_dependencies(
                    request=request,
                    dependant=target.dependant,
                    dependency_overrides_provider=target.overrides,
                    async_exit_stack=inner,
                    embed_body_fields=False,
                )
                values, errors, cache = solved.values, solved.errors, solved.dependency_cache
        except Exception as exc:  # the same exception from both, compared
            return Outcome(None, None, None, _norm(exc, request))
        return Outcome(_norm(values, request), _norm(errors, request), _norm(cache, request), None)


def differential(
    apps: dict[str, TestClient],
    planned: dict[str, dict[str, Target]],
    path: str,
    document: Any,
    kinds: dict[str, Counter[str]],
    extra: tuple[str, ...] = (),
) -> Callable[[], None]:
    """The property for one route: on either app, both solvers agree on every request (its
    outcomes counted in `kinds`; `extra` names query parameters the declarations do not)."""
    target = planned[next(iter(apps))][path]

    @DIFFERENTIAL
    @given(st.sampled_from(sorted(apps)), requests(target, document, extra))
    def agree(app_name: str, request: tuple[dict[str, str], bytes]) -> None:
        client, target = apps[app_name], planned[app_name][path]
        scope = scope_of(client.app, target, *request)  # type: ignore[arg-type]
        assert client.portal is not None  # the client is started
        theirs = client.portal.call(solve, scope, target, False)
        ours = client.portal.call(solve, scope, target, True)
        assert ours == theirs, (path, app_name, request)
        kinds.setdefault(path, Counter())[ours.kind] += 1

    return agree


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture
def served_app(settings: Settings) -> Iterator[TestClient]:
    """The app as served: its own sessions and data-version reader, no overrides."""
    with TestClient(create_app(settings)) as client:
        yield client


def _unlimited(client: TestClient) -> dict[str, Target]:
    """The client's planned GET routes, its search no longer rate limited (the cases would
    exhaust it)."""
    client.app.state.rate_limiters["search"] = RateLimiter(0)  # type: ignore[attr-defined]
    return targets(client.app)  # type: ignore[arg-type]


def test_every_planned_read_solves_as_fastapi_does(
    client: TestClient, served_app: TestClient
) -> None:
    apps = {"served": served_app, "overridden": client}
    planned = {name: _unlimited(each) for name, each in apps.items()}
    assert list(planned["served"]) == list(planned["overridden"])
    assert unplanned(served_app.app) == UNPLANNED  # type: ignore[arg-type]
    assert len(planned["served"]) >= 41
    document = served_app.app.openapi()  # type: ignore[attr-defined]
    ran = KINDS["solved"]
    for path in planned["served"]:
        differential(apps, planned, path, document, ran)()

    assert {path: kinds.total() for path, kinds in ran.items()} == dict.fromkeys(
        planned["served"], CASES
    )
    # every route answers some requests; every route reading a query refuses some; the
    # period's order check (a dependency raising) is reached
    assert [path for path, kinds in ran.items() if not kinds["solved"]] == []
    with_query = [p for p, t in planned["served"].items() if query_names(t)]
    assert [path for path in with_query if not ran[path]["refused"]] == []
    assert sum(kinds["raised"] for kinds in ran.values()) > 0


# --- the same requests over HTTP ----------------------------------------------------------------


@pytest.fixture
def by_fastapi(settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app of the `client` fixture with every included route solved by FastAPI: no route
    has a plan while the included routers build their handlers."""
    app = create_app(settings)
    app.dependency_overrides[get_session] = lambda: session
    app.state.version_reader = lambda: dataversion.current(session)
    app.state.read_models = ModelStore(lambda: nullcontext(session))
    with monkeypatch.context() as patched:
        patched.setattr(lean.Plan, "of", classmethod(lambda cls, dependant: None))
        assert targets(app) == {}  # builds every included route's handler
    with TestClient(app) as client:
        yield client


def over_http(
    apps: tuple[TestClient, TestClient],
    target: Target,
    document: Any,
    solved: list[lean.Plan],
    kinds: dict[str, Counter[str]],
) -> Callable[[], None]:
    """The property for one route: the app answers every request as the app solved by
    FastAPI does (status, headers, body); `solved` notes the plans solved on the way."""
    ours_app, theirs_app = apps

    @HTTP
    @given(requests(target, document, tame=True))
    def agree(request: tuple[dict[str, str], bytes]) -> None:
        url = url_of(target, *request)
        theirs = theirs_app.get(url)
        assert solved == [], url
        ours = ours_app.get(url)
        planned = bool(solved)
        solved.clear()
        assert ours.status_code == theirs.status_code, url
        drop = {"x-request-id"}
        if target.path in OWN_STATE:
            drop |= {"content-length", "etag"}
        else:
            assert ours.content == theirs.content, url
        assert {k: v for k, v in ours.headers.items() if k not in drop} == {
            k: v for k, v in theirs.headers.items() if k not in drop
        }, url
        kind = "solved" if ours.status_code < 400 else str(ours.status_code)
        kinds.setdefault(target.path, Counter())[kind if planned else "refused unread"] += 1

    return agree


def test_every_planned_read_answers_as_fastapi_does(
    client: TestClient, by_fastapi: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = [t for t in _unlimited(client).values() if t.included]  # not the docs pages,
    _unlimited(by_fastapi)  # built with their plans before any patch
    document = client.app.openapi()  # type: ignore[attr-defined]
    solved: list[lean.Plan] = []
    plan_solve = lean.Plan.solve

    async def counted(plan: lean.Plan, *args: Any) -> dict[str, Any]:
        solved.append(plan)
        return await plan_solve(plan, *args)

    monkeypatch.setattr(lean.Plan, "solve", counted)
    ran = KINDS["http"]
    for target in planned:
        over_http((client, by_fastapi), target, document, solved, ran)()

    # every route, up to HTTP_CASES requests each (fewer where its examples run out)
    assert sorted(ran) == sorted(target.path for target in planned)
    assert {kinds.total() for kinds in ran.values()} <= set(range(1, HTTP_CASES + 1))
    outcomes = sum(ran.values(), Counter())
    assert outcomes["solved"] > len(ran)
    assert outcomes["422"] > 0


# --- seams the app's routes do not use ----------------------------------------------------------


async def _calls(request: Request) -> int:
    """An override of `first` and `second`: how many times it ran for the request."""
    request.state.calls = getattr(request.state, "calls", 0) + 1
    return int(request.state.calls)


async def first() -> int:
    """A dependency the seams' app overrides."""
    return 0


async def second() -> int:
    """Another dependency the seams' app overrides with the same function."""
    return 0


async def third() -> str:
    """A dependency overridden by one reading `x`, a path parameter on one route only."""
    return ""


async def echo(x: str) -> str:
    """The override of `third`."""
    return x


async def _doubled(n: int = 1) -> int:
    return 2 * n


@functools.wraps(_doubled)
def doubled(n: int = 1) -> Any:
    """A function wrapping a coroutine function: FastAPI awaits what it returns."""
    return _doubled(n)


def seams() -> FastAPI:
    """An app of planned routes using what the app's routes do not: overrides shared by two
    dependencies and by two paths, a wrapped coroutine function, a JSON query parameter."""
    router = APIRouter(route_class=lean.LeanRoute)

    @router.get("/twice")
    async def twice(
        a: Annotated[int, Depends(first)], b: Annotated[int, Depends(second)]
    ) -> Response:
        return Response(f"{a} {b}")

    @router.get("/one/{x}")
    async def one(v: Annotated[str, Depends(third)]) -> Response:
        return Response(v)

    @router.get("/two")
    async def two(v: Annotated[str, Depends(third)]) -> Response:
        return Response(v)

    @router.get("/wrapped")
    async def wrapped(n: Annotated[int, Depends(doubled)]) -> Response:
        return Response(str(n))

    @router.get("/json")
    async def json(ids: Annotated[Json[list[int]], Query()] = []) -> Response:  # noqa: B006
        return Response(str(ids))

    @router.get("/limited")
    async def limited(n: Annotated[int, Depends(first, max_concurrency=1)]) -> Response:
        return Response(str(n))

    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides.update({first: _calls, second: _calls, third: echo})
    return app


def test_seams_solve_as_fastapi_does() -> None:
    """Each seam was a difference: the plan called one override once for two dependencies, read
    an override's parameters as on the first path it met, called a wrapped coroutine function
    in a thread without awaiting it, read every repeat of a JSON parameter, and ignored a
    dependency's limit on concurrent calls (such a route is now FastAPI's to solve)."""
    app = seams()
    with TestClient(app) as client:
        planned = {"seams": targets(app)}
        assert list(planned["seams"]) == ["/twice", "/one/{x}", "/two", "/wrapped", "/json"]
        document = app.openapi()
        ran = KINDS["seams"]
        for path in planned["seams"]:
            differential({"seams": client}, planned, path, document, ran, extra=("x",))()
        answers = [client.get(url).text for url in ("/twice", "/one/a", "/wrapped?n=4")]
        assert answers == ["1 2", "a", "8"]
        assert client.get("/json?ids=[1,%202]").text == "[1, 2]"
        assert client.get("/limited").text == "1"  # solved by FastAPI (no plan)
    assert {path: kinds.total() for path, kinds in ran.items()} == dict.fromkeys(
        planned["seams"], CASES
    )
