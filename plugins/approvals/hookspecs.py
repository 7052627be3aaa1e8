"""The approvals plugin's own hook, for other plugins to follow approval requests.

Added to the hub's plugin manager in ``ApprovalsConfig.ready()``; fired through
``hub.plugins.notify`` after the transaction commits, so a handler sees committed data
and cannot break the approver's action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.hookspecs import hookspec

if TYPE_CHECKING:
    from plugins.approvals.models import Decision, Request, StepRun


@hookspec
def hub_approval_step_changed(request: Request, step_run: StepRun, decision: Decision) -> None:
    """A step of an approval request started, was decided, or was escalated.

    ``step_run`` is the step that changed: the one started by a submission, the one an
    approver decided (``decision.action`` says how; with "all must approve", each approval
    counts), or the one escalated at its deadline (``decision.action == "escalate"``).
    ``request.status`` is the request's state afterwards. Comments do not fire it.
    """
