"""What a dashboard covers: the departments its viewer may see, narrowed by the filters, and
a date range. Admins see every department; a department head sees theirs and those below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.core.models import Department, User
from hub.search.types import department_and_below

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass
class Scope:
    """The departments and dates every panel of one dashboard page reports on."""

    user: User
    departments: list[Department]
    start: date
    end: date
    department: Department | None = None

    @property
    def department_ids(self) -> set[int]:
        return {department.pk for department in self.departments}

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The end of the last day (exclusive)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def query(self, **extra: object) -> str:
        """The filters as a query string, for links to the lists behind the figures."""
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.department is not None:
            params["department"] = self.department.pk
        params.update({key: value for key, value in extra.items() if value is not None})
        return urlencode(params)


def viewable_departments(user: User) -> list[Department]:
    """Every department for an admin; a head's departments and those below; else none."""
    if user.is_superuser:
        return list(Department.objects.order_by("code"))
    ids: set[int] = set()
    for department in Department.objects.filter(head=user):
        ids.update(department_and_below(department))
    return list(Department.objects.filter(pk__in=ids).order_by("code"))


def may_see_dashboards(user: User) -> bool:
    """Whether ``user`` has any department to see (cheap: asked on every page for the nav)."""
    return user.is_superuser or Department.objects.filter(head=user).exists()


class ScopeForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, label=_("Department")
    )
    start = forms.DateField(required=False, label=_("From"))
    end = forms.DateField(required=False, label=_("To"))

    def __init__(self, data, departments: list[Department]):
        # The query string says "from" and "to"; "from" cannot be a Python name.
        super().__init__(
            {"department": data.get("department"), "start": data.get("from"), "end": data.get("to")}
        )
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=[department.pk for department in departments]
        ).order_by("code")
        self.fields["department"].empty_label = _("All my departments")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose at most %(days)d days.") % {"days": MAX_DAYS})
        return cleaned


def scope_for(request: HttpRequest) -> tuple[Scope, ScopeForm]:
    """The scope the request asks for; bad filters fall back to the defaults, with the form
    carrying the errors to show. Someone who heads nothing and is no admin is refused."""
    departments = viewable_departments(request.user)
    if not departments:
        raise PermissionDenied(_("Dashboards are for department heads and admins."))
    form = ScopeForm(request.GET, departments)
    today = timezone.localdate()
    start, end, chosen = today - timedelta(days=DEFAULT_DAYS - 1), today, None
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        if start > end:  # only one date given, on the wrong side of the default
            start, end = end, start
        chosen = form.cleaned_data["department"]
    shown = departments
    if chosen is not None:
        below = set(department_and_below(chosen))
        shown = [department for department in departments if department.pk in below]
    return Scope(request.user, shown, start, end, chosen), form
