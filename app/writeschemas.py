"""Shapes of the write side: a record as written, and a change entry of the history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RECORD_EXAMPLE: dict[str, Any] = {
    "id": "kgz-ap-stockpile-2018",
    "country": "KGZ",
    "weapon": "antipersonnel_mine",
    "quantity_kind": "range",
    "quantity_min": 1000,
    "quantity_max": 2000,
    "reporter": "unofficial",
    "source": "monitor-kgz-mine-ban-policy-2019",
    "citations": [7],
}
CHANGE_EXAMPLE: dict[str, Any] = {
    "id": 412,
    "at": "2026-11-22T20:40:00+00:00",
    "actor": "curator-anna",
    "action": "patch",
    "record_type": "stockpile",
    "record_id": "kgz-ap-stockpile-2018",
    "version": 3,
    "before": {**RECORD_EXAMPLE, "quantity_max": 1500},
    "after": RECORD_EXAMPLE,
    "summary": None,
    "reason": "Monitor 2019 update",
}


class RecordOut(BaseModel):
    """A record as written: the fields of its schema, citations as footnote numbers."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [RECORD_EXAMPLE]})


class ChangeOut(BaseModel):
    """One change: who, when, which record, its value before and after, and why."""

    model_config = ConfigDict(json_schema_extra={"examples": [CHANGE_EXAMPLE]})

    id: int = Field(description="Position in the change feed (commit order).")
    at: str
    actor: str = Field(description='API key name, or "load", "import undl", "import untc".')
    action: str = Field(description="create, replace, patch, retire, revert, update, import.")
    record_type: str | None
    record_id: str | None
    version: int | None = Field(description="The record's version after the change.")
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    summary: dict[str, Any] | None = Field(description="A bulk import: file, checksum, counts.")
    reason: str | None


class ChangesPage(BaseModel):
    """A page of the change feed and the cursor to resume from."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [CHANGE_EXAMPLE]}]})

    data: list[ChangeOut]
    cursor: str = Field(description="Pass as `since` to get the changes after this page.")
    next: str | None = Field(None, description="URL of the next page; null when caught up.")


class HistoryPage(BaseModel):
    """Every change of one record, oldest first."""

    data: list[ChangeOut]
