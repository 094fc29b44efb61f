"""Treaty status derived from dated actions: one code path for any date."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from app.schemas import Status
from app.vocab import JOINING_ACTIONS, ActionKind, EifRule, StatusKind


class ActionLike(Protocol):
    """What status derivation needs of an action."""

    @property
    def action(self) -> ActionKind: ...

    @property
    def date(self) -> date: ...


class IdentifiedAction(ActionLike, Protocol):
    """An action with its record id."""

    @property
    def id(self) -> str: ...


A = TypeVar("A", bound=IdentifiedAction)


class SourcedAction(ActionLike, Protocol):
    """An action with the dates of its source, which say how far the record goes."""

    @property
    def status_as_at(self) -> date | None: ...

    @property
    def last_updated(self) -> date | None: ...

    @property
    def published_on(self) -> str | None: ...


@dataclass(frozen=True)
class TreatyRule:
    """What status derivation needs of a treaty."""

    eif_rule: EifRule
    entry_into_force_on: date | None
    opened_for_signature_on: date | None = None
    adopted_on: date | None = None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def entry_into_force(
    rule: TreatyRule, deposited: date, method: ActionKind = ActionKind.ratification
) -> date:
    """When a treaty enters into force for a state that deposited its instrument on `deposited`.

    Mine Ban Treaty and CCM (art. 17(2)): the first day of the sixth month after the month of
    deposit. CCW and its protocols (art. 5(2), 5(4)): six months after deposit. A notification
    of succession binds the state from the notification (no waiting period). Never before the
    instrument's own entry into force.
    """
    if method is ActionKind.succession:
        own = deposited
    elif rule.eif_rule is EifRule.first_day_sixth_month:
        own = add_months(deposited.replace(day=1), 6)
    else:
        own = add_months(deposited, 6)
    if rule.entry_into_force_on and own < rule.entry_into_force_on:
        return rule.entry_into_force_on
    return own


def source_as_at(
    status_as_at: date | None, last_updated: date | None, published_on: str | None
) -> date | None:
    """The date a source's record is known up to.

    A status page's "status as at" date; otherwise the later of its last-updated and
    published dates (a partial published date counts from its first day).
    """
    if status_as_at is not None:
        return status_as_at
    dates = [last_updated] if last_updated else []
    if published_on:
        year, month, day = [*map(int, published_on.split("-")), 1, 1][:3]
        dates.append(date(year, month, day))
    return max(dates, default=None)


def record_as_at(actions: Iterable[SourcedAction], floor: date | None = None) -> date | None:
    """The latest date the sources of these actions are known up to, and at least `floor`, the
    date of the record of every state (a treaty's status page); None if nothing is dated."""
    dates = {source_as_at(a.status_as_at, a.last_updated, a.published_on) for a in actions}
    return max((d for d in (*dates, floor) if d is not None), default=None)


def status_on(
    rule: TreatyRule, actions: Sequence[SourcedAction], on: date, floor: date | None = None
) -> Status:
    """A state's status on `on`, flagged when `on` is beyond the record it rests on: its
    actions' sources and `floor`, the date the treaty's whole record (its status page, which
    lists every participant, so also the states it does not list) is known up to."""
    return derive_status(rule, actions, on, record_as_at(actions, floor))


#: The order of a state's actions on one day (a signature before the ratification, ...).
ACTION_RANK = {kind: rank for rank, kind in enumerate(ActionKind)}


def action_order(day: date | str, action: str, record_id: str) -> tuple[date | str, int, str]:
    """The sort key of an action (its date, or the date's ISO text): oldest first, then by
    kind, then by id."""
    return day, ACTION_RANK[ActionKind(action)], record_id


def chronological(actions: Iterable[A]) -> list[A]:
    """Actions oldest first (`action_order`)."""
    return sorted(actions, key=lambda a: action_order(a.date, a.action, a.id))


def split_on(actions: Iterable[A], on: date) -> tuple[list[A], list[A]]:
    """The actions dated on or before `on` and those after it, each oldest first."""
    ordered = chronological(actions)
    return [a for a in ordered if a.date <= on], [a for a in ordered if a.date > on]


def derive_status(
    rule: TreatyRule, actions: Iterable[ActionLike], on: date, known_to: date | None = None
) -> Status:
    """A state's status toward a treaty on `on`, from the actions dated on or before it.

    A state is bound from entry into force: between deposit and entry into force it is
    `pending_entry_into_force` (with `joined_on` and `entry_into_force_on` set). While a
    withdrawal is pending, `withdrawal_effective_on` is the recorded date it takes effect,
    if any. A later instrument after an effective withdrawal starts a new membership; the
    withdrawal dates shown are then those of the last withdrawal.

    `known_to` is the date the record of the actions is known up to: when `on` is after it,
    the status is the one known on that date (`beyond_record`), as later actions may be
    missing.
    """
    signed = joined = in_force = notified = left = coming = None
    method: ActionKind | None = None
    for act in sorted(actions, key=lambda a: a.date):
        kind = act.action
        if act.date > on:
            if kind is ActionKind.withdrawal_effective and coming is None:
                coming = act.date
            continue
        if kind is ActionKind.signature:
            signed = act.date
        elif kind in JOINING_ACTIONS:
            joined, method = act.date, kind
            in_force = entry_into_force(rule, act.date, kind)
        elif kind is ActionKind.withdrawal_notified:
            notified = act.date
        elif kind is ActionKind.withdrawal_effective:
            left = act.date
    beyond = known_to is not None and on > known_to
    status = _classify(on, signed, joined, in_force, notified, left)
    if status is StatusKind.withdrawal_pending and coming is not None:
        left = coming
    return Status(
        status=status,
        as_of=on,
        signed_on=signed,
        joined_on=joined,
        join_method=method,
        entry_into_force_on=in_force,
        withdrawal_notified_on=notified,
        withdrawal_effective_on=left,
        record_as_at=known_to,
        as_known_on=known_to if beyond else None,
        beyond_record=beyond,
    )


def _classify(
    on: date,
    signed: date | None,
    joined: date | None,
    in_force: date | None,
    notified: date | None,
    left: date | None,
) -> StatusKind:
    if left is not None and (joined is None or left >= joined):
        return StatusKind.withdrawn
    if in_force is not None and in_force <= on:
        if notified is not None and joined is not None and notified >= joined:
            return StatusKind.withdrawal_pending
        return StatusKind.state_party
    if joined is not None:
        return StatusKind.pending_entry_into_force
    if left is not None:
        return StatusKind.withdrawn
    if signed is not None:
        return StatusKind.signatory
    return StatusKind.not_party
