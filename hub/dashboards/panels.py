"""The core's dashboard panels, each a ``Widget`` of bar charts over the scope's figures."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.dashboards import figures
from hub.dashboards.charts import Bar, bars
from hub.dashboards.scope import Scope
from hub.items import Widget

TEMPLATE = "dashboards/panel.html"


def _url(name: str, scope: Scope, **extra: object) -> str:
    return f"{reverse(name)}?{scope.query(**extra)}"


def _panel(name: str, title: str, sections: list[tuple[str, list[Bar]]], order: int) -> Widget:
    return Widget(name, title, TEMPLATE, {"sections": sections}, order=order)


def adoption(scope: Scope) -> Widget:
    rows = [
        Bar(
            department.display_name,
            active / everyone if everyone else 0,
            _("%(active)d of %(all)d people") % {"active": active, "all": everyone},
            _url("dashboards:people", scope, department=department.pk, active=1),
        )
        for department, active, everyone in figures.adoption(scope)
    ]
    return _panel(
        "adoption", _("Adoption"), [(_("Active people per department"), bars(rows, 1))], 40
    )


def document_activity(scope: Scope) -> Widget:
    rows = [
        Bar(
            department.display_name,
            saves,
            _("%(saves)d saves, %(documents)d documents") % {"saves": saves, "documents": docs},
            _url("dashboards:documents", scope, department=department.pk),
        )
        for department, saves, docs in figures.document_activity(scope)
    ]
    return _panel(
        "documents", _("Document activity"), [(_("Saves per department"), bars(rows))], 30
    )


def report_coverage(scope: Scope) -> Widget:
    sections = []
    coverage = figures.report_coverage(scope)
    for department in scope.departments:
        rows = [
            Bar(
                week,
                filed / expected if expected else 0,
                _("%(filed)d of %(expected)d filed") % {"filed": filed, "expected": expected},
                f"{reverse('doctemplates:department_rollup', args=[department.pk])}?week={week}",
            )
            for shown, week, filed, expected in coverage
            if shown == department
        ]
        sections.append((department.display_name, bars(rows, 1)))
    return _panel("weekly_reports", _("Weekly report coverage"), sections, 20)


def _pair_label(pair: figures.HelpPair) -> str:
    return _("%(source)s → %(target)s") % {
        "source": pair.source.display_name,
        "target": pair.target.display_name,
    }


def duration(wait: timedelta) -> str:
    """A wait as people say it: minutes within the hour, hours up to two days, then days."""
    minutes = round(wait.total_seconds() / 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return _("%(n).1f days") % {"n": minutes / 60 / 24}


def collaboration(scope: Scope) -> Widget:
    shared = figures.cross_department_documents(scope)
    documents = [
        Bar(
            document.title,
            len(departments),
            " · ".join(department.display_name for department in departments),
            document.url or "",
        )
        for document, departments in shared[:10]
    ]
    pairs = figures.help_between_departments(scope)
    help_rows = [
        Bar(
            _pair_label(pair),
            pair.asked,
            _("%(answered)d of %(asked)d answered")
            % {"answered": pair.answered, "asked": pair.asked},
            _url("dashboards:help", scope, source=pair.source.pk, target=pair.target.pk),
            part=pair.answered,
        )
        for pair in pairs
    ]
    waits = [
        Bar(
            _pair_label(pair),
            pair.median_wait.total_seconds(),
            duration(pair.median_wait),
            _url(
                "dashboards:help", scope, source=pair.source.pk, target=pair.target.pk, answered=1
            ),
        )
        for pair in pairs
        if pair.median_wait is not None
    ]
    sections = [
        (
            _("Documents edited by several departments (%(count)d)") % {"count": len(shared)},
            bars(documents),
        ),
        (_("Help asked of other departments in weekly reports, and answered"), bars(help_rows)),
        (_("Median time to answer"), bars(waits)),
    ]
    return _panel("collaboration", _("Cross-department collaboration"), sections, 50)
