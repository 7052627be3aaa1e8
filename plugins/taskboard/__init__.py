"""Task boards: a board of tasks per space, as a kanban, a Gantt chart (drag, keyboard or
typed dates to reschedule), a filtered list and "my tasks".

Tasks have an assignee (possibly from another department, who then sees and updates
their own task), collaborators, priority, start and due dates, finish-to-start
dependencies, progress, labels, Markdown comments with @mentions and a history. Action
items of meeting minutes become tasks (by a click, or by themselves when the board says
so), linked both ways. Due-soon and overdue tasks remind their assignees (``hub
remind_tasks``). The home page shows "My open tasks" and "Project progress";
``figures.py`` gives dashboards the numbers.

Built only through the hub's hooks (see ``hub_hooks.py``); described in ``docs/taskboard.md``.
"""
