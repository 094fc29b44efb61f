"""Property-based API testing: schemathesis generates requests from the app's own OpenAPI.

Every operation through schemathesis' phases (the document's examples, coverage of each
parameter's edges and of the methods a path lacks, then fuzzing with valid and invalid data),
every check on each answer (`--checks all`): no 5xx (but a 501 its operation documents), every
response matches its documented schema, status code, headers and content type, invalid data
is refused, valid data accepted, a missing required header refused, a method a path lacks
answered 405 with `Allow`. The
schema-valid requests the API may refuse: an opaque cursor it did not issue (a 400), and the
refusals an operation states in words, which no schema can express (`STATE_PROBLEMS`, and a
rule between two parameters: `status` needs `treaty`, `from` is not after `to`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from contextlib import nullcontext
from datetime import date
from typing import Any

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from jsonschema import Draft202012Validator
from schemathesis import openapi
from schemathesis.checks import (
    CheckContext,
    ignored_auth,
    not_a_server_error,
    positive_data_acceptance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.schemas import BaseSchema
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app import dataversion, records
from app.auth import Scope, create_key
from app.config import Settings
from app.main import create_app
from app.routers.params import YEAR_OR_DAY, get_session
from app.writeschemas import merge_patch, written

CASES_PER_OPERATION = 40
STATEFUL_SCENARIOS = 100


def refused_foreign_cursor(response: Any, case: Any) -> bool:
    """Whether `response` is the 400 refusing a query parameter the request sent and the
    document calls opaque (a cursor): a value the API did not issue, though its schema (a
    string) admits any."""
    if response.status_code != 400:
        return False
    try:
        named = json.loads(response.content).get("parameter")
    except (ValueError, AttributeError):
        return False
    documented = {p.name: p.definition for p in case.operation.query}
    description = str(documented.get(named, {}).get("description", "")).lower()
    return named in (case.query or {}) and "opaque" in description


#: Problems a schema-valid request may still get, each for a reason its operation states in
#: words because no schema can: a record naming a country, source or resolution the data does
#: not hold, a profile text in which the reader finds no profile, an If-Match of a version
#: that is no longer current (412), a replacement that changes the record's key.
STATE_PROBLEMS = {
    *("unknown-reference", "unreadable-profile", "stale-version", "key-change"),
    "too-few-states",  # a list of names that are all one state: no schema knows two are one
    "too-many-states",  # more different states than a heat map draws: names may repeat one
}


def _bound(value: str, end: bool) -> date:
    """A `from` or `to` as the server reads it: a year (its first or last day) or a date."""
    if len(value) == 4:
        return date(int(value), 12, 31) if end else date(int(value), 1, 1)
    return date.fromisoformat(value)


def another_kinds_record(case: Any) -> bool:
    """Whether a write's body is not of the record type its path names (the body's schema
    is a `oneOf` of every type's; the path says which one applies)."""
    kind = records.BY_PATH.get((case.path_parameters or {}).get("kind", ""))
    if kind is None or not case.operation.path.startswith("/v1/records/"):
        return False
    model = merge_patch(kind) if case.method.upper() == "PATCH" else written(kind)
    components = case.operation.schema.raw_schema["components"]
    own = {"$ref": f"#/components/schemas/{model.__name__}", "components": components}
    return not Draft202012Validator(own).is_valid(case.body)


def misnamed_footnote(case: Any) -> bool:
    """Whether a footnote written whole carries an `id` other than "{source}:{number}"."""
    body = case.body if isinstance(case.body, dict) else {}
    if (case.path_parameters or {}).get("kind") != "citations" or "id" not in body:
        return False
    return bool(body["id"] != f"{body.get('source')}:{body.get('number')}")


def breaks_a_stated_rule(case: Any) -> bool:
    """Whether the request breaks a rule between parameters its descriptions state: a
    record's body is of its path's type; a footnote's id is "{source}:{number}"; `status`
    on a list of countries needs `treaty`; `layout=wide` needs CSV; `from` is not after `to`."""
    if another_kinds_record(case) or misnamed_footnote(case):
        return True
    query = case.query or {}
    if case.operation.path == "/v1/countries" and "status" in query and not query.get("treaty"):
        return True  # an empty `treaty` names none
    if case.operation.path == "/v1/agreement" and query.get("layout") == "wide":
        return query.get("format") != "csv"  # a square matrix is a CSV layout
    since, until = query.get("from"), query.get("to")
    bounds = [v for v in (since, until) if isinstance(v, str) and re.fullmatch(YEAR_OR_DAY, v)]
    if len(bounds) == 2:
        return _bound(bounds[0], end=False) > _bound(bounds[1], end=True)
    return False


def refused_for_a_stated_reason(response: Any, case: Any) -> bool:
    """A 412 or 422 problem of `STATE_PROBLEMS`, or a 422 for a request that breaks a stated
    rule between parameters."""
    if response.status_code not in (412, 422):
        return False
    try:
        kind = str(json.loads(response.content).get("type", "")).rsplit("/", 1)[-1]
    except (ValueError, AttributeError):
        return False
    return kind in STATE_PROBLEMS or (response.status_code == 422 and breaks_a_stated_rule(case))


def accepts_valid_data(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """schemathesis' positive_data_acceptance, but for an opaque cursor the API did not
    issue and the refusals its operations state in words (`refused_for_a_stated_reason`)."""
    if refused_foreign_cursor(response, case) or refused_for_a_stated_reason(response, case):
        return None
    accepted: bool | None = positive_data_acceptance(ctx, response, case)
    return accepted


def no_server_error(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """schemathesis' not_a_server_error, but for a 501 Not Implemented its operation documents
    (oEmbed's `format=xml`, which oEmbed 1.0 section 2.2 answers so)."""
    if response.status_code == 501 and "501" in case.operation.definition.raw["responses"]:
        return None
    failed: bool | None = not_a_server_error(ctx, response, case)
    return failed


#: As a schemathesis.toml: a write without its required If-Match may be answered 428
#: Precondition Required, the status RFC 6585 §3 made for it; an invalid write with an
#: If-Match of no current version is refused by its 412 first (RFC 9110 §13.2.2 checks the
#: preconditions before the request's content).
CONFIG = """
[checks.missing_required_header]
expected-statuses = [400, 401, 403, 406, 415, 422, 428]

[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 412, 413, 415, 422, 428, 429]
"""
#: Every registered check but positive_data_acceptance and not_a_server_error, which
#: `accepts_valid_data` and `no_server_error` wrap.
CHECKS: dict[str, Any] = {
    "excluded_checks": [positive_data_acceptance, not_a_server_error],
    "additional_checks": [accepts_valid_data, no_server_error],
}


def _messages(exc: BaseException) -> list[str]:
    """What each failure says, those grouped by Hypothesis included."""
    if isinstance(exc, BaseExceptionGroup):
        return [m for sub in exc.exceptions for m in _messages(sub)]
    return [str(exc)]


def served(
    settings: Settings, session: Session, cached: bool = True
) -> tuple[BaseSchema, dict[str, str]]:
    """The app's schema over the test's session, and the headers of a write key (`cached`:
    with the response cache)."""
    limits = {"rate_limit_search": 0, "rate_limit_writes": 0}
    entries = {} if cached else {"response_cache_entries": 0}
    app = create_app(settings.model_copy(update={**limits, **entries}))
    app.dependency_overrides[get_session] = lambda: session
    app.state.sessionmaker = lambda: nullcontext(session)  # keys are checked in the same session
    app.state.version_reader = lambda: dataversion.current(session)
    auth = {"Authorization": f"Bearer {create_key(session, 'schemathesis', Scope.write)}"}
    session.commit()  # so that a refused write, rolled back, keeps the key
    config = SchemathesisConfig.from_str(CONFIG)
    return openapi.from_asgi("/openapi.json", app, config=config), auth


def test_every_operation(settings: Settings, session: Session) -> None:
    schema, auth = served(settings, session)
    ran: Counter[str] = Counter()

    def check(case: Any) -> None:
        ran[f"{case.operation.method.upper()} {case.operation.path}"] += 1
        case.call_and_validate(headers=auth, **CHECKS)

    options = hypothesis_settings(
        max_examples=CASES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run, so CI is repeatable
        suppress_health_check=list(HealthCheck),
    )
    # The tests `@schema.parametrize()` makes, one per operation, run here one by one (its
    # pytest plugin reads a node attribute pytest 9 no longer has).
    tests = list(get_all_tests(schema=schema, test_func=check, settings=options, given_kwargs={}))
    failed: dict[str, str] = {}
    for result in tests:
        operation, test = result.ok()  # type: ignore[union-attr]
        try:
            test()
        except (Exception, BaseExceptionGroup) as exc:  # every operation runs; failures listed
            failed[operation.label] = "\n".join(_messages(exc))
    print(f"\nschemathesis: {ran.total()} cases over {len(ran)} operations, {len(failed)} failed")
    assert not failed, "\n\n".join(f"{label}:\n{error}" for label, error in failed.items())
    documented = [op for item in schema.raw_schema["paths"].values() for op in item]
    assert len(ran) == len(tests) == len(documented)


def test_stateful_sequences_follow_the_links(
    settings: Settings, connection: Connection, session: Session
) -> None:
    """Sequences of calls chained by the OpenAPI links: a public source or resolution to its
    curator record, the record's ETag into If-Match of a patch, replace or retire. Each
    scenario starts from the same data (its writes are rolled back after it)."""
    # Each scenario's writes are rolled back, so the data version it wrote comes again with
    # other data: answers cached under it would leak from one scenario into the next.
    schema, auth = served(settings, session, cached=False)
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
            # The key is put in by `before_call`, not generated: the check that repeats a
            # request with its auth taken away cannot take it away here (it runs over every
            # operation in test_every_operation, where the key is the call's own).
            excluded = [*CHECKS["excluded_checks"], ignored_auth]
            case.validate_response(response, **{**CHECKS, "excluded_checks": excluded})

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
