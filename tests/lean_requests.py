"""Requests for the route class's differential tests (tests/test_lean_differential.py): the
app's GET routes solved by a `LeanRoute` plan, as FastAPI serves them, and requests for each
drawn from the served OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, quote_from_bytes, quote_plus

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from hypothesis import strategies as st
from starlette.routing import Match

from app.routers import lean

#: Values no declared type takes as it stands, or only after coercion worth comparing.
ODD = [
    *("", " ", "\x00", "null", "None", "none", "true ", "TRUE", "on", "-1", "0", "00", "1e3"),
    *("+5", " 5", "5 ", "0x10", "1_000", "1.0", "\uff19", "\u0661\u0662", "\u00b2", "\u01c5"),
    *("ß", "\u0130", "\ufb01"),
    *("\u200b", "e\u0301", "é", "😀", "\u202e", "\ufeff", "\ufffd", "\U0010ffff", "a" * 201),
    *("9" * 30, "2026-02-30", "2026-2-3", "20260203", "0000", "0000-01-01", "1700000000"),
    *("2016-01-01T00:00:00", "2016-01-01Z", ",", ",,", "yes,", ",no", "YES", "csv ", "CSV"),
    *("%", "%25", "%00", "+", "&", "=", "#", "\n", "\r\n", "\t", "'", '"', "<", "\\", "/", ".."),
]
#: Names no route takes, or takes spelt otherwise.
UNKNOWN = ["bogus", "LIMIT", "Limit", "limit ", " limit", "limit[]", "as-of", "asOf", "from_"]
#: Query-string fragments that are not key=value pairs.
JUNK = [b"", b"=", b"&", b"==", b"%", b"%zz", b"%FF", b"%C3", b"%ED%A0%80", b"a=b=c", b";", b"?"]
BOOLEANS = ["true", "false", "1", "0", "yes", "no", "on", "off", "True", "FALSE", "t", "f", "y"]
UNICODE = st.characters(codec="utf-8")  # no lone surrogates
#: What a query string sent over HTTP keeps as it is (`%` too: escapes stay as drawn).
URL_SAFE = "!$&'()*+,;=:@/?%[]~-._"


@dataclass(frozen=True)
class Target:
    """A GET route as the app serves it: the dependant FastAPI solves, and the route's plan."""

    path: str
    dependant: Dependant
    plan: lean.Plan
    overrides: Any
    matches: Callable[[dict[str, Any]], tuple[Match, dict[str, Any]]]
    convertors: dict[str, Any]
    included: bool  # in an included router (its handler built on the first request)


def served(routes: list[Any]) -> Iterator[tuple[APIRoute, Any]]:
    """Each API route of `routes` with what FastAPI serves it as: itself at the top, its
    effective route (path, dependencies with the including router's) in an included router."""
    for route in routes:
        candidates = getattr(route, "effective_candidates", None)
        if candidates is not None:
            yield from served(candidates())
        elif isinstance(getattr(route, "original_route", None), APIRoute):
            yield route.original_route, route
        elif isinstance(route, APIRoute):
            yield route, route


def targets(app: FastAPI) -> dict[str, Target]:
    """The app's GET routes solved by a plan, by their path."""
    found = {}
    for route, effective in served(app.routes):
        if "GET" not in (effective.methods or ()) or not isinstance(route, lean.LeanRoute):
            continue
        plan = route.plan(effective.dependant if effective is not route else None)
        if plan is not None:
            found[effective.path_format] = Target(
                effective.path_format,
                effective.dependant,
                plan,
                effective.dependency_overrides_provider,
                effective.matches,
                effective.param_convertors,
                effective is not route,
            )
    return found


def unplanned(app: FastAPI) -> set[str]:
    """The app's GET routes FastAPI solves."""
    every = {e.path_format for _, e in served(app.routes) if "GET" in (e.methods or ())}
    return every - set(targets(app))


# --- requests drawn from the document ---------------------------------------------------------


def _schema(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without its `null` alternative and with its reference resolved."""
    if "anyOf" in schema:
        kept = [s for s in schema["anyOf"] if s.get("type") != "null"]
        schema = {**kept[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
    if "$ref" in schema:
        schema = {**components[schema["$ref"].rsplit("/", 1)[1]], **schema}
    return schema


def _scalar(schema: dict[str, Any], examples: list[Any]) -> st.SearchStrategy[str]:
    """Values a scalar parameter's declaration takes (and, from its examples, says it takes)."""
    options: list[st.SearchStrategy[str]] = []
    if "enum" in schema:
        options.append(st.sampled_from([str(v) for v in schema["enum"]]))
    if "const" in schema:
        options.append(st.just(str(schema["const"])))
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)
        options.append(st.integers(low, high).map(str))
        options.append(st.sampled_from([low - 1, high + 1]).map(str))
    elif kind == "boolean":
        options.append(st.sampled_from(BOOLEANS))
    elif schema.get("format") == "date":
        options.append(st.dates().map(date.isoformat))
    elif kind == "string" and "pattern" in schema and "enum" not in schema:
        longest = schema.get("maxLength", 300)
        pattern = st.from_regex(schema["pattern"], fullmatch=True, alphabet=UNICODE)
        options.append(pattern.filter(lambda text: len(text) <= longest + 1))
    scalars = [str(e) for e in examples if not isinstance(e, list)]
    if scalars:
        options.append(st.sampled_from(scalars))
    return st.one_of(options) if options else st.text(UNICODE, max_size=20)


def _valid(schema: dict[str, Any], components: dict[str, Any]) -> st.SearchStrategy[list[str]]:
    """Values of a parameter as they appear in a query: one, or for a list, its words
    comma-separated, repeated, or both."""
    schema = _schema(schema, components)
    examples = schema.get("examples", [])
    if schema.get("type") != "array":
        return _scalar(schema, examples).map(lambda value: [value])
    item = _scalar(_schema(schema.get("items", {}), components), [])
    words = st.one_of(
        st.lists(item, min_size=1, max_size=4),
        st.sampled_from([[str(w) for w in e] for e in examples if isinstance(e, list)] or [[]]),
    )

    def written(w: list[str]) -> st.SearchStrategy[list[str]]:
        return st.sampled_from([[",".join(w)], w, [", ".join(w[:2]), *w[2:]]])

    return words.flatmap(written)


INVALID = st.one_of(
    st.sampled_from(ODD),
    st.text(UNICODE, max_size=30),
    st.integers().map(str),
).map(lambda value: [value])


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """`text` as it may be written in a query: as it is, quoted, with `+` for spaces, or
    every byte percent-encoded (hex in either case)."""
    way = draw(st.sampled_from(["raw", "quote", "plus", "lower", "upper"]))
    if way == "raw":
        return text.encode()
    if way == "quote":
        return quote(text, safe="").encode()
    if way == "plus":
        return quote_plus(text).encode()
    hexed = "".join(f"%{b:02x}" for b in text.encode())
    return (hexed if way == "lower" else hexed.upper()).encode()


@st.composite
def pairs(draw: st.DrawFn, name: str, values: list[str]) -> list[bytes]:
    """`name=value` for each value, each part encoded its own way; an empty value is written
    `name=` or `name`."""
    written = []
    for value in values:
        key = draw(encoded(name))
        if value == "" and draw(st.booleans()):
            written.append(key)
        else:
            written.append(key + b"=" + draw(encoded(value)))
    return written


@dataclass(frozen=True)
class QueryDraw:
    """How to draw a route's query parameters."""

    names: tuple[str, ...]
    valid: tuple[st.SearchStrategy[list[str]], ...]

    def good(self) -> st.SearchStrategy[bytes]:
        """Some of the parameters, each once with a value its declaration takes."""
        if not self.names:
            return st.just(b"")
        chosen = st.lists(st.sampled_from(range(len(self.names))), unique=True, max_size=4)
        return chosen.flatmap(self._some)

    def _some(self, picked: list[int]) -> st.SearchStrategy[bytes]:
        """The parameters `picked`, each with a valid value."""
        return st.tuples(*(self._given(i, self.valid[i]) for i in picked)).map(_joined)

    def _given(
        self, i: int, values: st.SearchStrategy[list[str]]
    ) -> st.SearchStrategy[list[bytes]]:
        """Parameter `i` with `values`."""
        name = self.names[i]
        return values.flatmap(lambda drawn: pairs(name, drawn))

    def mixed(self) -> st.SearchStrategy[bytes]:
        """Anything: valid, invalid, empty and repeated parameters, unknown ones, junk."""
        one: list[st.SearchStrategy[list[bytes]]] = [
            st.tuples(st.sampled_from(UNKNOWN) | st.text(UNICODE, max_size=8), INVALID).flatmap(
                lambda kv: pairs(*kv)
            ),
            st.sampled_from(JUNK).map(lambda junk: [junk]),
        ]
        if self.names:
            index = st.sampled_from(range(len(self.names)))
            one.append(
                index.flatmap(
                    lambda i: self._given(i, st.one_of(self.valid[i], INVALID, st.just([""])))
                )
            )
            one.append(  # a parameter given twice or more
                index.flatmap(
                    lambda i: self._given(
                        i,
                        st.lists(self.valid[i] | INVALID, min_size=2, max_size=3).map(
                            lambda drawn: [v for values in drawn for v in values]
                        ),
                    )
                )
            )
        return st.lists(st.one_of(one), max_size=6).map(_joined)


def _joined(written: Sequence[list[bytes]]) -> bytes:
    """A query string of the pairs written."""
    return b"&".join(pair for each in written for pair in each)


def _path_value(
    schema: dict[str, Any], components: dict[str, Any], convertor: Any, tame: bool
) -> st.SearchStrategy[str]:
    """A path parameter's value its convertor matches: declared ones and odd ones (`tame`:
    its examples, where it has some)."""
    examples = [str(e) for e in _schema(schema, components).get("examples", [])]
    valid = _valid(schema, components).map(lambda values: ",".join(values))
    if tame:
        drawn = st.sampled_from(examples) if examples else valid
    else:
        drawn = valid | st.sampled_from(ODD) | st.text(UNICODE, min_size=1, max_size=30)
    pattern = re.compile(convertor.regex)
    return drawn.filter(lambda text: pattern.fullmatch(text) is not None)


def requests(
    target: Target, document: dict[str, Any], extra: tuple[str, ...] = (), tame: bool = False
) -> st.SearchStrategy[Any]:
    """Path parameter values and a query string for `target` (reading `extra` too); `tame`:
    the path's examples and parameters the route takes with values they take, mostly."""
    components = document["components"]["schemas"]
    operation = document["paths"].get(target.path, {}).get("get", {})  # the docs pages: none
    declared = {(p["in"], p["name"]): p["schema"] for p in operation.get("parameters", [])}
    names = tuple(dict.fromkeys([*query_names(target), *extra]))
    query = QueryDraw(
        names, tuple(_valid(declared.get(("query", n), {}), components) for n in names)
    )
    path = st.fixed_dictionaries(
        {
            name: _path_value(declared.get(("path", name), {}), components, convertor, tame)
            for name, convertor in target.convertors.items()
        }
    )
    return st.tuples(path, query.good() if tame else query.good() | query.mixed())


def query_names(target: Target) -> list[str]:
    """The query parameters FastAPI reads for `target` (those of its dependencies too)."""
    flat = get_flat_params(target.dependant)
    return [f.alias for f in flat if f.field_info.in_.value == "query"]  # type: ignore[attr-defined]


def scope_of(app: FastAPI, target: Target, path_values: dict[str, str], query: bytes) -> Any:
    """The ASGI scope of a GET of `target` with these path values and query string, as the
    route's match leaves it."""
    path = target.path
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", value)
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("testclient", 50000),
        "root_path": "",
        "path": path,
        "raw_path": quote(path).encode(),
        "query_string": query,
        "headers": [(b"host", b"testserver")],
        "app": app,
    }
    match, child = target.matches(scope)
    assert match == Match.FULL, path
    scope.update(child)
    return scope


def url_of(target: Target, path_values: dict[str, str], query: bytes) -> str:
    """The URL of a GET of `target`: its path values quoted, the query string as drawn but
    for what a URL cannot hold as it is (spaces, controls, `#`, non-ASCII: percent-encoded)."""
    path = target.path
    for name, value in path_values.items():
        safe = "" if target.convertors[name].regex == "[^/]+" else "/"
        path = path.replace("{" + name + "}", quote(value, safe=safe))
    return f"{path}?{quote_from_bytes(query, safe=URL_SAFE)}"
