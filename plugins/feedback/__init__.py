"""Feedback box: employees send feedback (optionally anonymous) to a department.

The department's admins triage it (new / accepted / planned / done / declined) and reply;
the sender follows the status under "My feedback" or, when anonymous, through a private
tracking link. A monthly summary is a page and ``hub report feedback --month YYYY-MM``.

Built only through the hub's hooks (see ``hub_hooks.py``): a worked example for plugin
authors, described in ``docs/feedback.md``.
"""
