"""The operations pages: ``/healthz`` (no login, no data) and the admins' audit log."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hub.ops.auditlog import AuditFilters, entry_keys, entry_row, iter_entries, load_entries
from hub.ops.forms import AuditFilterForm
from hub.ops.health import run_checks
from hub.ops.models import LoginAlert

PAGE_SIZE = 50
RECENT_ALERTS = 10


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = run_checks()
    healthy = all(results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "fail",
            "checks": {name: "ok" if ok else "fail" for name, ok in results.items()},
        },
        status=200 if healthy else 503,
    )


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else AuditFilters()
    valid = not form.is_bound or form.is_valid()
    page = Paginator(entry_keys(filters) if valid else [], PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ops/audit.html",
        {
            "form": form,
            "page": page,
            "rows": [entry_row(entry) for entry in load_entries(page.object_list)],
            "alerts": LoginAlert.objects.select_related("user")[:RECENT_ALERTS],
            "query": query.urlencode(),
        },
    )


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "timestamp",
    "person",
    "username",
    "action",
    "message",
    "object_type",
    "object",
    "ip",
]


def _csv_lines(filters: AuditFilters) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte order mark: spreadsheet programs then read the Chinese text as UTF-8.
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for entry in iter_entries(filters):
        row = entry_row(entry)
        row["timestamp"] = row["timestamp"].isoformat()
        yield writer.writerow([row[column] for column in CSV_COLUMNS])


@login_required
@require_GET
def audit_csv(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
    response = StreamingHttpResponse(
        _csv_lines(form.filters()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
