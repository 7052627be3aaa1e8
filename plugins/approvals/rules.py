"""Who approves a step, whether a step applies, and whether a flow's steps make sense.

Managers: a person's manager is their ``manager`` (the User field) when it is set and
active; otherwise the head of their department, and when they head it themselves (or it
has no active head), the head of the parent department, up the tree.

Conditions are one comparison of a form field with a constant (``amount > 50000``),
parsed by field kind and compared with ``operator``; never evaluated as code.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hub.core.models import Department, User
from plugins.approvals.fields import (
    COMPARABLE_KINDS,
    KINDS,
    ORDERED_KINDS,
    FieldSpec,
    parse_value,
)
from plugins.approvals.models import ApproverRule, Escalation, FlowStep, Operator

OPERATORS = {
    Operator.GT: operator.gt,
    Operator.GE: operator.ge,
    Operator.LT: operator.lt,
    Operator.LE: operator.le,
    Operator.EQ: operator.eq,
    Operator.NE: operator.ne,
}


def head_above(department: Department | None, person: User) -> User | None:
    """The nearest active head of ``department`` or its parents who is not ``person``."""
    seen = set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        head = department.head
        if head is not None and head.is_active and head.pk != person.pk:
            return head
        department = department.parent
    return None


def manager_of(person: User) -> User | None:
    """``person``'s manager: the manager field, else the department head above them."""
    manager = person.manager
    if manager is not None and manager.is_active and manager.pk != person.pk:
        return manager
    return head_above(person.department, person)


def admins() -> list[User]:
    """Who gets a step when its rule finds nobody: the hub's administrators."""
    return list(User.objects.filter(is_superuser=True, is_active=True).order_by("pk"))


def _active(people: QuerySet[User] | Iterable[User]) -> list[User]:
    return [person for person in people if person.is_active]


def resolve_approvers(step: FlowStep, requester: User, department: Department | None) -> list[User]:
    """The people who may decide ``step`` of a request by ``requester`` (never the requester).

    An empty answer means the rule found nobody; the caller sends the step to the admins.
    """
    rule = step.rule
    if rule == ApproverRule.PERSON:
        people = [step.person] if step.person else []
    elif rule == ApproverRule.DEPARTMENT_HEAD:
        people = [head_above(department, requester)]
    elif rule == ApproverRule.MANAGER:
        people = [manager_of(requester)]
    elif rule == ApproverRule.GROUP:
        people = list(step.group.user_set.order_by("pk")) if step.group else []
    elif rule == ApproverRule.DEPARTMENT:
        people = list(step.department.members.order_by("pk")) if step.department else []
    else:
        people = []
    return [p for p in _active(p for p in people if p is not None) if p.pk != requester.pk]


def escalation_targets(step: FlowStep | None, pending: Iterable[User]) -> list[User]:
    """Who a step escalates to: the named person, or the managers of those who did not act."""
    if step is None or not step.escalation:
        return []
    if step.escalation == Escalation.PERSON:
        return _active([step.escalation_person] if step.escalation_person else [])
    managers = {}
    for person in pending:
        manager = manager_of(person)
        if manager is not None:
            managers[manager.pk] = manager
    return list(managers.values())


def applies(step: FlowStep, specs: list[FieldSpec], values: dict[str, Any]) -> bool:
    """Does ``step`` apply to a request with these values? (No condition: always.)

    An empty value satisfies no condition, so an optional field left empty skips the step.
    """
    if not step.condition_field:
        return True
    spec = next((s for s in specs if s.name == step.condition_field), None)
    if spec is None:
        return False
    try:
        left = parse_value(spec.kind, values.get(spec.name))
        right = parse_value(spec.kind, step.condition_value)
    except ValueError:
        return False
    if left is None or right is None:
        return False
    return OPERATORS[Operator(step.condition_operator)](left, right)


def step_errors(step: FlowStep, specs: list[FieldSpec]) -> dict[str, str]:
    """What is wrong with one step of a flow whose form has ``specs``: field -> message."""
    errors: dict[str, str] = {}
    needs = {
        ApproverRule.PERSON: ("person", _("Choose the person who approves.")),
        ApproverRule.GROUP: ("group", _("Choose the group whose members approve.")),
        ApproverRule.DEPARTMENT: ("department", _("Choose the department whose members approve.")),
    }
    if step.rule in needs:
        field, message = needs[step.rule]
        if getattr(step, f"{field}_id") is None:
            errors[field] = message
    if step.all_must_approve and step.rule not in (ApproverRule.GROUP, ApproverRule.DEPARTMENT):
        errors["all_must_approve"] = _("Only a group or a department can all approve.")
    if step.escalation == Escalation.PERSON and step.escalation_person_id is None:
        errors["escalation_person"] = _("Choose the person to escalate to.")
    if step.escalation and step.deadline_hours is None:
        errors["deadline_hours"] = _("Escalation happens at the deadline: set one.")
    for field in ("remind_after_hours", "deadline_hours"):
        hours = getattr(step, field)
        if hours is not None and hours <= 0:
            errors[field] = _("Use a number of hours above 0.")
    if (
        step.remind_after_hours is not None
        and step.deadline_hours is not None
        and step.remind_after_hours >= step.deadline_hours
    ):
        errors["remind_after_hours"] = _("Remind before the deadline.")
    errors.update(condition_errors(step, specs))
    return errors


def condition_errors(step: FlowStep, specs: list[FieldSpec]) -> dict[str, str]:
    parts = (step.condition_field, step.condition_operator, step.condition_value)
    if not any(parts):
        return {}
    if not all(parts):
        return {"condition_field": _("A condition needs a field, an operator and a value.")}
    spec = next((s for s in specs if s.name == step.condition_field), None)
    if spec is None:
        return {"condition_field": _("The form has no field with this key.")}
    if spec.kind not in COMPARABLE_KINDS:
        message = _("Conditions compare numbers, amounts, dates, texts and choices.")
        return {"condition_field": message}
    if spec.kind not in ORDERED_KINDS and step.condition_operator not in (Operator.EQ, Operator.NE):
        return {"condition_operator": _("Texts and choices compare with = or ≠ only.")}
    try:
        parse_value(spec.kind, step.condition_value)
    except ValueError:
        return {
            "condition_value": _("This value does not fit a field of kind %(kind)s.")
            % {"kind": KINDS[spec.kind]}
        }
    return {}
