"""Task boards: a board of tasks per space, as a kanban, a filtered list and "my tasks".

Tasks have an assignee (possibly from another department, who then sees and updates
their own task), collaborators, priority, start and due dates, finish-to-start
dependencies, progress, labels, Markdown comments with @mentions and a history. Action
items of meeting minutes become tasks, linked both ways. Due-soon and overdue tasks
remind their assignees (``hub remind_tasks``).

Built only through the hub's hooks (see ``hub_hooks.py``); described in ``docs/taskboard.md``.
"""
