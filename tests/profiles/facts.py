"""Fact keys for comparing a parse result with expected records, and precision / recall."""

from __future__ import annotations

from typing import Any

from app.profiles.meetings import meeting_key
from app.profiles.result import ProfileResult


def _c(items: Any) -> tuple[int, ...]:
    return tuple(sorted(items or []))


def keys(kind: str, r: dict[str, Any]) -> tuple[Any, ...]:
    """The identity of one fact: every field a curator relies on."""
    if kind == "citations":
        return (r["number"], r["text"], r["issuer"], r["reference"], r["date"], r["place"])
    if kind == "statuses":
        return (r["treaty"], r["status"], r.get("date", r.get("as_of")), _c(r["citations"]))
    if kind == "votes":
        return (r["resolution"], r["vote"], _c(r["citations"]))
    if kind == "participations":
        return (
            r["treaty"],
            meeting_key(r["meeting"]),
            r["year"],
            r["role"],
            r["date"],
            _c(r["citations"]),
        )
    if kind == "positions":
        return (r["treaty"], r["kind"], r["date"], _c(r["citations"]))
    if kind == "practices":
        return (
            r["weapon"],
            r["kind"],
            r["finding"],
            r["period_start"],
            r["period_end"],
            r["as_of"],
            _c(r["citations"]),
        )
    costs = tuple(
        (c["purpose"], float(c["amount"]), c["currency"], c["approximate"], c["text"])
        for c in r["costs"]
    )
    return (
        r["weapon"],
        r["holder"],
        tuple(r["types"]),
        r["quantity_kind"],
        r["quantity"],
        r["quantity_min"],
        r["quantity_max"],
        r["quantity_text"],
        r["condition"],
        r["purpose"],
        r["as_of"],
        r["reporter"],
        r["reported_by"],
        costs,
        _c(r["citations"]),
    )


KINDS = ("citations", "statuses", "votes", "participations", "stockpiles", "practices", "positions")


def facts(result: ProfileResult) -> set[tuple[Any, ...]]:
    """Every fact of a result as (kind, key)."""
    data = result.model_dump(mode="json")
    return {(k, keys(k, item)) for k in KINDS for item in data[k]}


def score(name: str, got: set[Any], expected: set[Any]) -> tuple[float, float]:
    """Print and return precision and recall."""
    hits = len(got & expected)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(expected) if expected else 1.0
    print(
        f"{name}: {hits} of {len(expected)} expected facts found, {len(got)} extracted; "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    for missing in sorted(expected - got, key=repr):
        print("  missing:", missing)
    for extra in sorted(got - expected, key=repr):
        print("  extra:  ", extra)
    return precision, recall
