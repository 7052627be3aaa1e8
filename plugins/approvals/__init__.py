"""Approvals: admin-defined multi-step approval flows with deadlines, reminders and escalation.

Admins define flows in the Wagtail admin (a form of typed fields and an ordered list of
steps, each with an approver rule, an optional condition and a deadline). Employees
submit requests, possibly for a document (whose revision is frozen at submission);
approvers approve, reject or return them; every decision is logged. Deadlines are kept
by background tasks (``hub worker``). Other plugins follow requests through the plugin's
own hook, ``hub_approval_step_changed``.

Built only through the hub's hooks (see ``hub_hooks.py``, ``wagtail_hooks.py``);
described in ``docs/approvals.md``.
"""
