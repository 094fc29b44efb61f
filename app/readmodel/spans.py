"""Status spans: a state's status toward a treaty on any date, from the one rule of app.status."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from app.schemas import Status
from app.status import SourcedAction, TreatyRule, entry_into_force, record_as_at, status_on
from app.vocab import JOINING_ACTIONS

#: A status as the API writes it (JSON types), without its `as_of`.
StatusJson = dict[str, Any]


def change_days(
    rule: TreatyRule, actions: Sequence[SourcedAction], floor: date | None = None
) -> list[date]:
    """Every day a status derived from `actions` can change on, in order.

    `status_on` compares the day asked for with the actions' dates, the dates they bind the
    state from (entry into force) and the date the record is known to (a day after it, the
    status is `beyond_record`): between two of these days every field but `as_of` is the same.
    """
    days = {a.date for a in actions}
    days |= {
        entry_into_force(rule, a.date, a.action) for a in actions if a.action in JOINING_ACTIONS
    }
    known = record_as_at(actions, floor)
    if known is not None and known < date.max:
        days.add(known + timedelta(days=1))
    return sorted(days)


def dated(status: StatusJson, day: str | None) -> StatusJson:
    """A span's status JSON as the API writes it on `day` (`as_of` second, after `status`)."""
    return {"status": status["status"], "as_of": day, **status}


class Spans:
    """One state's statuses toward one treaty, each from the day it starts, by `status_on`."""

    __slots__ = ("kinds", "models", "starts", "statuses", "text_starts")

    def __init__(
        self, rule: TreatyRule, actions: Sequence[SourcedAction], floor: date | None = None
    ) -> None:
        changes = change_days(rule, actions, floor)
        self.starts = [date.min, *(d for d in changes if d > date.min)]
        self.models = [status_on(rule, actions, day, floor) for day in self.starts]
        self.statuses: list[StatusJson] = []
        for model in self.models:
            status = model.model_dump(mode="json")
            del status["as_of"]
            self.statuses.append(status)
        self.kinds = [str(s["status"]) for s in self.statuses]
        self.text_starts = [d.isoformat() for d in self.starts]  # ISO text sorts as dates do

    def on(self, day: date) -> StatusJson:
        """The status on `day`, as `status_on` derives it, in the API's JSON form."""
        return dated(self.statuses[bisect_right(self.starts, day) - 1], day.isoformat())

    def status(self, day: date) -> Status:
        """The status on `day` as `status_on` returns it."""
        found = self.models[bisect_right(self.starts, day) - 1]
        return found.model_copy(update={"as_of": day})

    def kind_on(self, day: date | str) -> str:
        """Only the status word on `day` (a date, or its ISO text as SQLite returns it)."""
        if isinstance(day, str):
            return self.kinds[bisect_right(self.text_starts, day) - 1]
        return self.kinds[bisect_right(self.starts, day) - 1]
