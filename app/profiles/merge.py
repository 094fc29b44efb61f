"""Tidying a result: duplicates merged, ranges yield to explicit items, UPDATE notes win."""

from __future__ import annotations

from typing import Any

from app.profiles.document import Section
from app.profiles.meetings import meeting_key
from app.profiles.result import ProfileResult


def _union(*lists: list[int]) -> list[int]:
    return sorted({n for lst in lists for n in lst})


def tidy(result: ProfileResult, section: Section, warnings: list[str]) -> None:
    """Merge duplicates in place."""
    seen: set[Any] = set()
    key: Any
    statuses = []
    for s in result.statuses:
        key = (s.treaty, s.status, s.span)
        if key not in seen:
            seen.add(key)
            statuses.append(s)
    updated = {s.treaty: s for s in statuses if s.update}
    for s in statuses:
        latest = updated.get(s.treaty)
        if latest is not None and not s.update and s.status != latest.status:
            s.superseded = True
            warnings.append(
                f"UPDATE note supersedes the body for {s.treaty}: {latest.status.value} "
                f"(the body's {s.status.value} is kept as history)"
            )
    result.statuses = statuses

    votes: dict[Any, Any] = {}
    for v in result.votes:
        key = v.resolution or (v.treaty, v.year)
        old = votes.get(key)
        if old is None or (old.pattern and not v.pattern):
            votes[key] = v
        elif not old.pattern and not v.pattern:
            old.citations = _union(old.citations, v.citations)
            old.date = old.date or v.date
    result.votes = sorted(votes.values(), key=lambda v: (v.year or 0, v.resolution or ""))
    for v in result.votes:
        if v.resolution is None:
            warnings.append(
                f"no known {v.treaty} resolution for {v.year}: set `resolution` in "
                "the draft before publishing"
            )

    parts: dict[Any, Any] = {}
    for p in result.participations:
        key = (p.treaty, meeting_key(p.meeting), p.year, p.role)
        old = parts.get(key)
        if old is None:
            parts[key] = p
        else:
            old.citations = _union(old.citations, p.citations)
            old.date = old.date or p.date
    result.participations = list(parts.values())

    practices: dict[Any, Any] = {}
    for pr in result.practices:
        key = (pr.weapon, pr.kind, pr.finding, pr.period_start, pr.period_end)
        old = practices.get(key)
        if old is None:
            practices[key] = pr
            continue
        if not old.citations and pr.citations:
            pr.as_of = max(filter(None, [old.as_of, pr.as_of]), default=None)
            practices[key] = pr
            continue
        old.citations = _union(old.citations, pr.citations)
        old.as_of = max(filter(None, [old.as_of, pr.as_of]), default=None)
    result.practices = list(practices.values())

    positions: dict[Any, Any] = {}
    for po in result.positions:
        positions.setdefault((po.kind, po.span), po)
    result.positions = list(positions.values())
