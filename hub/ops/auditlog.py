"""Reading the audit log: Wagtail's page and model log entries as one list, newest first,
filtered by person, action, date range and object type, for the audit page and its CSV."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, Value
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry, PageLogEntry

SOURCES = {"page": PageLogEntry, "model": ModelLogEntry}


@dataclass
class AuditFilters:
    """What the list is narrowed to; empty values do not filter."""

    person: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None
    object_type: int | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(model, filters: AuditFilters) -> QuerySet:
    entries = model.objects.all()
    if filters.person:
        # A failed login names no account, only the username typed.
        entries = entries.filter(
            Q(user__username=filters.person) | Q(data__username=filters.person)
        )
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.start:
        entries = entries.filter(timestamp__gte=_day_start(filters.start))
    if filters.end:
        entries = entries.filter(timestamp__lt=_day_start(filters.end + timedelta(days=1)))
    if filters.object_type:
        entries = entries.filter(content_type_id=filters.object_type)
    return entries


def entry_keys(filters: AuditFilters) -> QuerySet:
    """(source, id, timestamp) of every matching entry of both tables, newest first."""
    page_keys, model_keys = (
        _filtered(model, filters)
        .order_by()  # the models' default ordering is not allowed inside a UNION
        .annotate(source=Value(source))
        .values_list("source", "id", "timestamp")
        for source, model in SOURCES.items()
    )
    return page_keys.union(model_keys, all=True).order_by("-timestamp", "-id")


def load_entries(keys: Iterable[tuple[str, int, Any]]) -> list:
    """The log entries for a list of keys, in the keys' order."""
    keys = list(keys)
    loaded = {}
    for source, model in SOURCES.items():
        ids = [pk for key_source, pk, _when in keys if key_source == source]
        for entry in model.objects.filter(pk__in=ids).select_related("user", "content_type"):
            loaded[source, entry.pk] = entry
    return [loaded[source, pk] for source, pk, _when in keys if (source, pk) in loaded]


def iter_entries(filters: AuditFilters, batch: int = 500) -> Iterator:
    """Every matching entry, newest first, loaded a batch at a time (for the CSV)."""
    keys = entry_keys(filters).iterator(chunk_size=batch)
    while chunk := list(islice(keys, batch)):
        yield from load_entries(chunk)


def object_type_choices() -> list[tuple[int, str]]:
    """The kinds of object the log has entries about, by name."""
    ids = set()
    for model in SOURCES.values():
        ids.update(model.objects.values_list("content_type_id", flat=True).distinct())
    choices = []
    for content_type in ContentType.objects.filter(pk__in=ids):
        model = content_type.model_class()
        name = model._meta.verbose_name if model else content_type.model
        choices.append((content_type.pk, capfirst(str(name))))
    return sorted(choices, key=lambda choice: choice[1])


def action_choices() -> list[tuple[str, str]]:
    """Every registered action (Wagtail's, the hub's, plugins'), by label."""
    return sorted(
        ((action, str(label)) for action, label in log_registry.get_choices()),
        key=lambda choice: choice[1],
    )


def action_label(entry) -> str:
    formatter = log_registry.get_formatter(entry)
    return str(formatter.label) if formatter else entry.action


def entry_row(entry) -> dict[str, Any]:
    """What the page and the CSV show of one entry."""
    data = entry.data or {}
    return {
        "timestamp": timezone.localtime(entry.timestamp),
        "person": entry.user_display_name if entry.user_id else "",
        "username": entry.user.get_username() if entry.user else data.get("username", ""),
        "action": entry.action,
        "action_label": action_label(entry),
        "message": entry.message,
        "object_type": capfirst(str(entry.object_verbose_name)),
        "object": entry.label,
        "ip": data.get("ip") or "",
    }
