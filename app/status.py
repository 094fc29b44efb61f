"""Treaty status derived from dated actions: one code path for any date."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from app.schemas import Status
from app.vocab import JOINING_ACTIONS, ActionKind, EifRule, StatusKind


class ActionLike(Protocol):
    """What status derivation needs of an action."""

    @property
    def action(self) -> ActionKind: ...

    @property
    def date(self) -> date: ...


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


def derive_status(rule: TreatyRule, actions: Iterable[ActionLike], on: date) -> Status:
    """A state's status toward a treaty on `on`, from the actions dated on or before it.

    Status changes on entry into force, not on deposit: between deposit and entry into force
    a state stays signatory (or not party if it never signed). A later instrument after an
    effective withdrawal starts a new membership once it enters into force; the withdrawal
    dates shown are then those of the last withdrawal.
    """
    signed = joined = in_force = notified = left = None
    method: ActionKind | None = None
    for act in sorted(actions, key=lambda a: a.date):
        if act.date > on:
            break
        kind = act.action
        if kind is ActionKind.signature:
            signed = act.date
        elif kind in JOINING_ACTIONS:
            joined, method = act.date, kind
            in_force = entry_into_force(rule, act.date, kind)
        elif kind is ActionKind.withdrawal_notified:
            notified = act.date
        elif kind is ActionKind.withdrawal_effective:
            left = act.date
    return Status(
        status=_classify(on, signed, joined, in_force, notified, left),
        as_of=on,
        signed_on=signed,
        joined_on=joined,
        join_method=method,
        entry_into_force_on=in_force,
        withdrawal_notified_on=notified,
        withdrawal_effective_on=left,
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
    if left is not None:
        return StatusKind.withdrawn
    if signed is not None:
        return StatusKind.signatory
    return StatusKind.not_party
