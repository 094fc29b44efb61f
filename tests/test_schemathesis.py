"""Property-based API testing: schemathesis generates requests from the app's own OpenAPI.

Every operation, many generated cases each: no 5xx, every response matches its documented
schema, status code and content type. The number of cases run is printed.
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import openapi
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app import dataversion
from app.auth import Scope, create_key
from app.config import Settings
from app.main import create_app
from app.routers.params import get_session

CASES_PER_OPERATION = 40
STATEFUL_SCENARIOS = 100


def test_every_operation(settings: Settings, session: Session) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_search": 0, "rate_limit_writes": 0}))
    app.dependency_overrides[get_session] = lambda: session
    app.state.sessionmaker = lambda: nullcontext(session)  # keys are checked in the same session
    app.state.version_reader = lambda: dataversion.current(session)
    schema = openapi.from_asgi("/openapi.json", app)
    auth = {"Authorization": f"Bearer {create_key(session, 'schemathesis', Scope.write)}"}
    session.commit()  # so that a refused write, rolled back, keeps the key
    ran: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        label = f"{operation.method.upper()} {operation.path}"
        ran[label] = 0

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=CASES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            ran[f"{case.operation.method.upper()} {case.operation.path}"] += 1
            # Every check but "schema-valid data is accepted": an opaque `cursor` this API did
            # not issue is refused (400) although any string matches its schema.
            case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

        check()
    print(f"\nschemathesis: {sum(ran.values())} cases over {len(ran)} operations, 0 failures")
    documented = [op for item in app.openapi()["paths"].values() for op in item]
    assert len(ran) == len(documented) == 44  # with /oembed
    assert all(count > 0 for count in ran.values()), ran


def test_stateful_sequences_follow_the_links(
    settings: Settings, connection: Connection, session: Session
) -> None:
    """Sequences of calls chained by the OpenAPI links: a public source or resolution to its
    curator record, the record's ETag into If-Match of a patch, replace or retire. Each
    scenario starts from the same data (its writes are rolled back after it)."""
    app = create_app(settings.model_copy(update={"rate_limit_search": 0, "rate_limit_writes": 0}))
    app.dependency_overrides[get_session] = lambda: session
    app.state.sessionmaker = lambda: nullcontext(session)
    app.state.version_reader = lambda: dataversion.current(session)
    schema = openapi.from_asgi("/openapi.json", app)
    auth = {"Authorization": f"Bearer {create_key(session, 'schemathesis', Scope.write)}"}
    session.commit()  # so that a refused write, rolled back, keeps the key
    followed: Counter[str] = Counter()

    # The pictures (tag "embeds") have no links: left out, they do not dilute the sequences.
    class Machine(schema.exclude(tag="embeds").as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.scenario = connection.begin_nested()

        def teardown(self) -> None:
            session.rollback()
            self.scenario.rollback()

        def step(self, input: Any) -> Any:
            if input.transition is not None and input.is_applied:
                # "GET /v1/sources/{source} -> [200] CuratorRecord -> GET /v1/records/…"
                followed[input.transition.id.split("] ")[1].split(" -> ")[0]] += 1
            return super().step(input)

        def before_call(self, case: Any) -> None:
            case.headers = {**(case.headers or {}), **auth}  # over a generated Authorization

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

    Machine.run(
        settings=hypothesis_settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=10,
            derandomize=True,  # the same scenarios on every run, so CI is repeatable
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    links = ", ".join(f"{name} {n}" for name, n in sorted(followed.items()))
    print(f"\nschemathesis stateful: {STATEFUL_SCENARIOS} scenarios; links followed: {links}")
    assert followed["CuratorRecord"] > 0
    assert sum(followed[name] for name in ("PatchRecord", "ReplaceRecord", "RetireRecord")) > 0
