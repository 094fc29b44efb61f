"""The API's route class: checks every request first, and solves a read's parameters by a plan
made once per route instead of FastAPI re-reading its declarations on every request."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Coroutine, Mapping
from contextlib import AsyncExitStack
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, get_type_hints

from fastapi import Request, Response
from fastapi import routing as fastapi_routing
from fastapi._compat import field_annotation_is_sequence
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import (
    Dependant,
    _get_cache_key,
    _is_async_gen_callable,
    _is_coroutine_callable,
    _is_gen_callable,
)
from fastapi.dependencies.utils import _is_json_field, _solve_generator, get_dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, APIRouter
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from starlette.datastructures import ImmutableMultiDict

from app.limits import limit_writes
from app.respond import reject_nul, reject_unknown_params

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


async def admit(request: Request) -> None:
    """The checks every request passes before its parameters are read: unknown and
    NUL-bearing parameters, the write limit."""
    await reject_unknown_params(request)
    await reject_nul(request)
    await limit_writes(request)


class LeanRoute(APIRoute):
    """A route that runs `admit`, then its endpoint.

    A route whose endpoint returns a `Response` and whose parameters are only the request,
    path and query parameters and dependencies of the same kinds (see `Plan.of`) has them
    solved by its `Plan`: the same values, defaults, validation and errors (in the same order)
    as FastAPI's solver, without working out each declaration's kind again per request. Any
    other route (a body, headers, security) is solved by FastAPI. Dependency overrides apply
    to both.
    """

    def plan(self, dependant: Dependant | None = None) -> Plan | None:
        """How this route's parameters (or, included in a router, those of `dependant`, its
        dependencies with the router's) are solved, or None where FastAPI solves them."""
        if not _returns_response(self.endpoint):
            return None
        return Plan.of(dependant or self.dependant)

    def get_route_handler(self) -> Handler:
        fastapi_handler = super().get_route_handler()
        plan = self.plan(_included_dependant(self))
        if plan is None:

            async def checked(request: Request) -> Response:
                await admit(request)
                return await fastapi_handler(request)

            return checked

        endpoint = self.endpoint
        awaited = _is_coroutine_callable(endpoint)

        async def lean(request: Request) -> Response:
            await admit(request)
            errors: list[Any] = []
            values = await plan.solve(request, errors, {})
            if errors:
                raise RequestValidationError(errors)
            if awaited:
                response: Response = await endpoint(**values)
            else:
                response = await run_in_threadpool(endpoint, **values)
            return response

        return lean


def adopt(router: APIRouter) -> None:
    """Make `router`'s route class `LeanRoute`, and the plain `APIRoute`s already on it
    `LeanRoute`s (matched after its other routes, in their order): routes added before a route
    class could be given, the offline docs pages that `FastAPIOffline` adds as it makes the
    app, pass the checks every other does."""
    router.route_class = LeanRoute
    plain = [r for r in router.routes if type(r) is APIRoute]
    router.routes[:] = [r for r in router.routes if type(r) is not APIRoute]
    for route in plain:
        router.add_api_route(
            route.path,
            route.endpoint,
            methods=sorted(route.methods or ()),
            name=route.name,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            dependencies=route.dependencies[len(router.dependencies) :],  # its own
        )


def _included_dependant(route: APIRoute) -> Dependant | None:
    """The dependant FastAPI solves for `route` as the router including it builds its handler
    (with the dependencies given to `include_router`), where FastAPI tells it."""
    context: Any = getattr(fastapi_routing, "_effective_route_context_var", None)
    effective = context.get() if context is not None else None
    if getattr(effective, "original_route", None) is not route:
        return None
    dependant = getattr(effective, "dependant", None)
    return dependant if isinstance(dependant, Dependant) else None


def _returns_response(endpoint: Callable[..., Any]) -> bool:
    """Whether an endpoint is declared to return a `Response` (so nothing is serialised)."""
    try:
        returned = get_type_hints(endpoint).get("return")
    except NameError:  # an annotation this module cannot resolve: FastAPI's solver
        return False
    return isinstance(returned, type) and issubclass(returned, Response)


@dataclass(frozen=True)
class Param:
    """A path or query parameter: where it is read, how, and its default.

    As FastAPI reads it: a collection (`sequence`) is every repeat of it (`many`) unless it is
    JSON, and an empty one is not given.
    """

    name: str
    alias: str
    loc: tuple[str, str]
    many: bool
    sequence: bool
    field: Any  # FastAPI's ModelField
    info: FieldInfo

    def solve(self, given: Mapping[str, Any], values: dict[str, Any], errors: list[Any]) -> None:
        """Validate the parameter's value into `values`, or its errors into `errors`."""
        if self.many and isinstance(given, ImmutableMultiDict):
            raw: Any = given.getlist(self.alias)
        else:
            raw = given.get(self.alias)
        if raw is None or (self.sequence and len(raw) == 0):
            if self.info.is_required():
                errors.append(missing(self.loc))
                return
            default = deepcopy(self.field.default)
            if not self.info.validate_default:
                values[self.name] = default
                return
            raw = default
        value, found = self.field.validate(raw, values, loc=self.loc)
        if found:
            errors.extend(found)
        else:
            values[self.name] = value


def missing(loc: tuple[str, str]) -> dict[str, Any]:
    """Pydantic's error for a required parameter that is not given (as FastAPI words it)."""
    error = ValidationError.from_exception_data(
        "Field required", [{"type": "missing", "loc": loc, "input": {}}]
    ).errors(include_url=False)[0]
    error["input"] = None
    return dict(error)


@dataclass(frozen=True)
class Call:
    """A dependency's function, the plan of its own parameters, and how it is called."""

    fn: Callable[..., Any]
    plan: Plan
    kind: str  # "async", "sync" or "generator" (sync or async), as FastAPI tells them apart
    dependant: Dependant

    @classmethod
    def of(cls, fn: Callable[..., Any] | None, dependant: Dependant) -> Call | None:
        """How to call `fn` (a function, not a class or a callable object), or None."""
        plan = Plan.of(dependant) if inspect.isfunction(fn) else None
        if fn is None or plan is None:
            return None
        if _is_gen_callable(fn) or _is_async_gen_callable(fn):
            kind = "generator"
        else:
            kind = "async" if _is_coroutine_callable(fn) else "sync"
        return cls(fn, plan, kind, dependant)

    async def run(self, values: dict[str, Any], request: Request, function_scope: bool) -> Any:
        """Call the dependency as FastAPI does: a generator's exit waits for the response to be
        sent (or, scoped to the function, for the endpoint to return), shielded as FastAPI
        shields it."""
        if self.kind == "async":
            return await self.fn(**values)
        if self.kind == "sync":
            return await run_in_threadpool(self.fn, **values)
        key = "fastapi_function_astack" if function_scope else "fastapi_inner_astack"
        stack: AsyncExitStack = request.scope[key]
        return await _solve_generator(
            dependant=self.dependant, stack=stack, sub_values=values, request=request
        )


@dataclass(frozen=True)
class Needed:
    """A dependency of a plan: the value it is passed as, how it is called, and the key its
    value is cached by for the request (FastAPI's: the dependency replaced, not its override,
    and its scope)."""

    name: str | None
    call: Call
    use_cache: bool
    function_scope: bool
    path: str
    key: Any

    def overridden(self, overrides: Mapping[Any, Any]) -> Call:
        """The call that replaces this one in `overrides` (e.g. the tests' session), its
        parameters read as on this dependency's path."""
        fn = overrides[self.call.fn]
        calls = _OVERRIDES.setdefault(fn, {})
        call = calls.get(self.path)
        if call is None:
            dependant = get_dependant(path=self.path, call=fn, name=self.name)
            call = Call.of(fn, dependant)
            if call is None:
                raise TypeError(f"dependency override {fn!r} takes what a lean route cannot give")
            calls[self.path] = call
        return call


#: Calls of overriding dependencies by the path they are read on, made on their first use.
_OVERRIDES: weakref.WeakKeyDictionary[Callable[..., Any], dict[str, Call]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class Plan:
    """How to solve one dependant's parameters: its dependencies, then path and query ones."""

    needs: tuple[Needed, ...]
    path: tuple[Param, ...]
    query: tuple[Param, ...]
    request_names: tuple[str, ...]

    @classmethod
    def of(cls, dependant: Dependant) -> Plan | None:
        """The plan of a dependant, or None if it takes anything but a request, path and
        query parameters and function dependencies taking the same (and not limited to a
        number of concurrent calls)."""
        if (
            dependant.header_params
            or dependant.cookie_params
            or dependant.body_params
            or dependant.websocket_param_name
            or dependant.response_param_name
            or dependant.background_tasks_param_name
            or dependant.security_scopes_param_name
        ):
            return None
        needs = []
        for sub in dependant.dependencies:
            call = Call.of(sub.call, sub)
            if call is None or getattr(sub, "concurrency", None) is not None:
                return None
            function_scope = getattr(sub, "scope", None) == "function"
            key = _get_cache_key(dependant=sub)
            needs.append(Needed(sub.name, call, sub.use_cache, function_scope, sub.path or "", key))
        params = [_param(f) for f in [*dependant.path_params, *dependant.query_params]]
        if any(p is None for p in params):
            return None
        path = tuple(p for p in params if p is not None and p.loc[0] == "path")
        query = tuple(p for p in params if p is not None and p.loc[0] == "query")
        names = (dependant.request_param_name, dependant.http_connection_param_name)
        return cls(tuple(needs), path, query, tuple(n for n in names if n))

    async def solve(
        self, request: Request, errors: list[Any], cache: dict[Any, Any]
    ) -> dict[str, Any]:
        """The values to call the dependant with, as FastAPI's solver gives them (its errors,
        in its order, are added to `errors`); `cache` holds the dependencies solved so far."""
        values: dict[str, Any] = {}
        overrides: dict[Any, Any] = getattr(request.app, "dependency_overrides", {})
        for need in self.needs:
            call = need.call
            if overrides and call.fn in overrides:
                call = need.overridden(overrides)
            found: list[Any] = []
            given = await call.plan.solve(request, found, cache)
            if found:
                errors.extend(found)
                continue
            if need.use_cache and need.key in cache:
                solved = cache[need.key]
            else:
                solved = await call.run(given, request, need.function_scope)
                cache.setdefault(need.key, solved)
            if need.name is not None:
                values[need.name] = solved
        for param in self.path:
            param.solve(request.path_params, values, errors)
        if self.query:
            query = request.query_params
            for param in self.query:
                param.solve(query, values, errors)
        for name in self.request_names:
            values[name] = request
        return values


def _param(field: Any) -> Param | None:
    """A path or query parameter read by its alias (None for what FastAPI reads otherwise)."""
    info = field.field_info
    where = getattr(getattr(info, "in_", None), "value", None)
    alias = field.alias
    if where not in ("path", "query") or info.validation_alias not in (None, alias):
        return None
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
        return None
    sequence = field_annotation_is_sequence(info.annotation)
    many = sequence and not _is_json_field(field)
    return Param(field.name, alias, (where, alias), many, sequence, field, info)
