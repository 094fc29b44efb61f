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
    status = Status(status=StatusKind.not_party, as_of=on)
    for act in sorted(actions, key=lambda a: a.date):
        if act.date > on:
            break
        if act.action is ActionKind.signature:
            status.signed_on = act.date
        elif act.action in JOINING_ACTIONS:
            status.joined_on, status.join_method = act.date, act.action
            status.entry_into_force_on = entry_into_force(rule, act.date, act.action)
        elif act.action is ActionKind.withdrawal_notified:
            status.withdrawal_notified_on = act.date
        elif act.action is ActionKind.withdrawal_effective:
            status.withdrawal_effective_on = act.date
    status.status = _classify(status, on)
    return status


def _classify(status: Status, on: date) -> StatusKind:
    joined, left = status.joined_on, status.withdrawal_effective_on
    if left is not None and (joined is None or left >= joined):
        return StatusKind.withdrawn
    if status.entry_into_force_on is not None and status.entry_into_force_on <= on:
        notified = status.withdrawal_notified_on
        if notified is not None and joined is not None and notified >= joined:
            return StatusKind.withdrawal_pending
        return StatusKind.state_party
    if left is not None:
        return StatusKind.withdrawn
    if status.signed_on is not None:
        return StatusKind.signatory
    return StatusKind.not_party
