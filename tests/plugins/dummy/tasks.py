"""A background task of the dummy plugin: remembers that it ran, with what."""

from django.conf import settings
from django_tasks import task

from tests.plugins.dummy import record


@task(backend=settings.HUB_TASK_BACKEND)
def remember(note: str) -> None:
    record("task", note=note)
