"""Countries and treaties named in a path: codes from the read model, names from the database."""

from __future__ import annotations

from starlette.requests import Request

from app.errors import NotFoundError, ProblemError
from app.names import plain
from app.queries.countries import resolve_country
from app.queries.treaties import resolve_treaty
from app.readmodel import store
from app.readmodel.model import ReadModel


def country(request: Request, model: ReadModel, key: str) -> str:
    """The alpha-3 code of the country `key` names: an alpha-3 code held by the model at once,
    anything else (alpha-2, numeric, a name, an unknown key) by `resolve_country`."""
    text = plain(key).upper()
    if len(text) == 3 and text.isalpha() and text in model.countries:
        return text
    with store.session(request) as session:
        return resolve_country(session, key).iso3


def treaty(request: Request, model: ReadModel, key: str, parameter: str = "treaty") -> str:
    """The slug of the treaty `key` names: a slug at once, an alias or name by `resolve_treaty`."""
    slug = plain(key).lower()
    if slug in model.treaties:
        return slug
    with store.session(request) as session:
        return resolve_treaty(session, key, parameter).slug


def countries(request: Request, model: ReadModel, raw: str, parameter: str) -> list[str]:
    """The alpha-3 codes of a comma-separated list of codes or names, each once, in the order
    given; a name that matches nothing is a 422 `unknown-reference` naming `parameter`, with
    close matches (the query is well formed; the record holds no such country)."""
    found: list[str] = []
    for word in (w.strip() for w in raw.split(",")):
        if not word:
            continue
        try:
            iso3 = country(request, model, word)
        except NotFoundError as missing:
            raise ProblemError(
                422,
                "Invalid parameter",
                f"{parameter}: {missing.detail}",
                kind="unknown-reference",
                parameter=parameter,
                suggestions=missing.extra.get("suggestions", []),
            ) from missing
        if iso3 not in found:
            found.append(iso3)
    return found
