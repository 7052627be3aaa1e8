"""The dashboard page, the lists behind its figures (people, documents, help requests),
and the monthly collaboration stars."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub import plugins
from hub.core.markdown import render_markdown
from hub.core.models import Department, User
from hub.core.months import current_month, last_day, parse_month
from hub.dashboards import figures
from hub.dashboards.monthly import monthly_report
from hub.dashboards.panels import duration
from hub.dashboards.report import word_file
from hub.dashboards.scope import scope_for
from hub.export.views import WORD_CONTENT_TYPE, download_name, download_response

logger = logging.getLogger("hub.dashboards")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, form = scope_for(request)
    panels = []
    for widget in plugins.collect("hub_register_dashboard_widgets", request=request, scope=scope):
        try:
            html = render_to_string(widget.template, widget.context, request=request)
        except Exception:
            # One plugin's broken panel must not take the dashboard down with it.
            logger.exception("dashboard panel %r failed to render", widget.name)
            continue
        panels.append({"widget": widget, "html": html})
    return render(
        request, "dashboards/dashboard.html", {"scope": scope, "form": form, "panels": panels}
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The people behind an adoption figure: active (or all) members of the departments."""
    scope, form = scope_for(request)
    active_only = request.GET.get("active") == "1"
    rows = [
        (
            department,
            figures.active_people(scope, department)
            if active_only
            else figures.members(department).order_by("name", "username"),
        )
        for department in scope.departments
    ]
    context = {"scope": scope, "form": form, "rows": rows, "active_only": active_only}
    return render(request, "dashboards/people.html", context)


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    """The documents behind a document figure: edited in the period, or edited across
    departments (``cross=1``); only documents the viewer may see."""
    scope, form = scope_for(request)
    if request.GET.get("cross") == "1":
        rows = figures.cross_department_documents(scope)
        title = _("Documents edited by several departments")
    else:
        found = {
            doc.pk: doc for d in scope.departments for doc in figures.edited_documents(scope, d)
        }
        rows = [(document, []) for document in sorted(found.values(), key=lambda d: d.title)]
        title = _("Documents edited")
    context = {"scope": scope, "form": form, "rows": rows, "title": title}
    return render(request, "dashboards/documents.html", context)


class HelpFilterForm(forms.Form):
    """Which help requests of the scope the list shows (the scope itself limits them)."""

    source = forms.ModelChoiceField(Department.objects.all(), required=False)
    target = forms.ModelChoiceField(Department.objects.all(), required=False)
    answered = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("All")),
            ("1", gettext_lazy("Answered")),
            ("0", gettext_lazy("Open")),
        ],
        required=False,
    )


@login_required
def help_requests(request: HttpRequest) -> HttpResponse:
    """The help requests behind the collaboration figures: one department's requests of
    another in the weekly reports the viewer may see, answered or still open."""
    scope, form = scope_for(request)
    filters = HelpFilterForm(request.GET)
    if not filters.is_valid():
        context = {"scope": scope, "form": form, "filters": filters, "rows": []}
        return render(request, "dashboards/help.html", context, status=400)
    source, target = filters.cleaned_data["source"], filters.cleaned_data["target"]
    answered = filters.cleaned_data["answered"]
    rows = [
        (found, duration(figures.wait_of(found.answer)) if found.answer else "")
        for found in figures.help_between(scope)
        if (source is None or found.source_id == source.pk)
        and (target is None or found.department_id == target.pk)
        and (not answered or (found.answer is not None) == (answered == "1"))
    ]
    kept = [(name, value) for name, value in request.GET.items() if name in filters.fields]
    context = {
        "scope": scope,
        "form": form,
        "filters": filters,
        "rows": rows,
        "source": source,
        "target": target,
        "answered": answered,
        "extra_filters": kept,
    }
    return render(request, "dashboards/help.html", context)


def _asked_month(request: HttpRequest) -> tuple[date, str]:
    """The ``month`` asked for (this month by default) and the error if it is not one."""
    if not request.GET.get("month"):
        return current_month(), ""
    try:
        return parse_month(request.GET["month"]), ""
    except ValueError as problem:
        return current_month(), str(problem)


@login_required
def stars(request: HttpRequest) -> HttpResponse:
    """People and departments of the viewer's scope by the points they earned in a month."""
    scope, _form = scope_for(request)
    month, error = _asked_month(request)
    earned: dict[int, Counter] = defaultdict(Counter)
    until = last_day(month)
    for points in plugins.collect("hub_register_collaboration_points", since=month, until=until):
        earned[points.user_id][str(points.reason)] += points.points
    people = User.objects.filter(
        pk__in=earned, department_id__in=scope.department_ids, is_active=True
    ).select_related("department")
    ranked = sorted(
        (
            (person, sum(earned[person.pk].values()), sorted(earned[person.pk].items()))
            for person in people
        ),
        key=lambda row: (-row[1], row[0].get_full_name()),
    )
    by_department: Counter = Counter()
    for person, total, _reasons in ranked:
        by_department[person.department] += total
    context = {
        "scope": scope,
        "month": month,
        "previous": (month - timedelta(days=1)).strftime("%Y-%m"),
        "next": (until + timedelta(days=1)).strftime("%Y-%m"),
        "people": ranked[:20],
        "departments": by_department.most_common(),
        "error": error,
    }
    return render(request, "dashboards/stars.html", context)


@login_required
def operations_report(request: HttpRequest) -> HttpResponse:
    """The monthly operations report (admins only): on screen, as Word, or to print."""
    if not request.user.is_superuser:
        raise Http404
    month, error = _asked_month(request)
    title, markdown = monthly_report(month)
    shown = request.GET.get("format", "")
    if shown == "docx" and not error:
        content = word_file(title, markdown)
        return download_response(content, WORD_CONTENT_TYPE, download_name(title, "docx"))
    context = {
        "title": title,
        "month": month,
        "body_html": render_markdown(markdown),
        "error": error,
        "previous": (month - timedelta(days=1)).strftime("%Y-%m"),
    }
    template = "dashboards/report_print.html" if shown == "print" else "dashboards/report.html"
    return render(request, template, context, status=400 if error else 200)
