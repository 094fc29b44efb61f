"""The analytics as files: pairs as JSON, or CSV as a long table or a square matrix of one
measure; a record as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from fastapi.responses import Response
from pydantic import BaseModel

from app import csvout
from app.analytics.answers import Measure, Pairs
from app.analytics.matrix import Columns, VoteMatrix
from app.analytics.schemas import Pair
from app.readmodel.model import ReadModel
from app.respond import CSV, JSON

#: The media type a CSV is documented as (sent with `; charset=utf-8`).
TEXT_CSV = "text/csv"


def _text(rows: Iterable[Iterable[Any]]) -> str:
    """CSV text of rows of cells (None: an empty cell), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def long(pairs: Pairs) -> str:
    """Every pair, a row each, with the columns of `Pair`."""
    return _text([csvout.columns(Pair), *pairs.rows()])


def square(pairs: Pairs, measure: Measure) -> str:
    """One measure as a square matrix: a header of alpha-3 codes, a row per country."""
    head = ["country", *pairs.countries]
    body = ([iso3, *row] for iso3, row in zip(pairs.countries, pairs.square(measure), strict=True))
    return _text([head, *body])


def records(schema: type[BaseModel], items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Records in their JSON form, flattened as every CSV of the API is (`csvout`)."""
    return csvout.stream(schema, items)


def response(text: str, name: str) -> Response:
    """A CSV answer, as an attachment named `name`.csv."""
    disposition = {"Content-Disposition": f"attachment; filename={name}.csv"}
    return Response(text, media_type=CSV, headers=disposition)


class PairsAnswer:
    """The pairs of some states over some resolutions, rendered as JSON or CSV."""

    def __init__(
        self, model: ReadModel, m: VoteMatrix, isos: list[str], cols: Columns, slug: str | None
    ) -> None:
        self.model, self.m, self.isos, self.cols, self.slug = model, m, isos, cols, slug

    def render(self, csv: bool, layout: str, measure: Measure) -> Response:
        """The answer in the asked form."""
        pairs = Pairs(self.m, self.isos, self.cols)
        if csv:
            text = square(pairs, measure) if layout == "wide" else long(pairs)
            return response(text, "agreement")
        body = {
            "treaty": self.slug,
            "resolutions": len(self.cols),
            "pairs": pairs.dicts(),
            "sources": self.model.source_list(self.m.sources_used(self.isos, self.cols)),
        }
        return Response(orjson.dumps(body), media_type=JSON)
