"""Pages of document templates: choosing a template for a new document, and the roll-ups
(per department, per project space, open action items). Every figure is computed from
the documents the viewer may see (``hub.doctemplates.rollups``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.core.models import Department, SpacePage, User
from hub.core.permissions import can, visible_spaces
from hub.core.views import parent_for_new_document
from hub.doctemplates.fields import WeekField
from hub.doctemplates.prefill import available_templates
from hub.doctemplates.rollups import department_rollup, open_actions, space_rollup
from hub.doctemplates.weeks import current_week, shift_week


class WeekForm(forms.Form):
    week = WeekField(label=_("Week"), required=False)


class ActionFilterForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True).order_by("name", "username"),
        required=False,
        empty_label=_("Everyone"),
    )


@login_required
def choose_template(request: HttpRequest, parent_id: int) -> HttpResponse:
    parent = parent_for_new_document(request, parent_id)
    space = parent if isinstance(parent, SpacePage) else parent.space
    create_url = reverse("document_create", args=[parent.pk])
    templates = [
        (template, f"{create_url}?template={template.pk}")
        for template in available_templates(space).select_related("space")
    ]
    return render(request, "doctemplates/choose.html", {"parent": parent, "templates": templates})


def _week(request: HttpRequest) -> tuple[WeekForm, str | None]:
    form = WeekForm(request.GET or None)
    if not request.GET:
        return form, current_week()
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data["week"] or current_week()


def _rollup_page(request: HttpRequest, context: dict, compute) -> HttpResponse:
    form, week = _week(request)
    if week is None:
        # A bad week is a clear error, not a guess.
        return render(request, "doctemplates/rollup.html", {**context, "form": form}, status=400)
    return render(
        request,
        "doctemplates/rollup.html",
        {
            **context,
            "form": form,
            "week": week,
            "previous_week": shift_week(week, -1),
            "next_week": shift_week(week, 1),
            "rollup": compute(week),
        },
    )


@login_required
def rollup_index(request: HttpRequest) -> HttpResponse:
    spaces = visible_spaces(request.user).filter(kind=SpacePage.Kind.PROJECT)
    return render(
        request,
        "doctemplates/rollup_index.html",
        {
            "departments": Department.objects.order_by("code"),
            "spaces": spaces,
            "own_department": request.user.department,
        },
    )


@login_required
def department_view(request: HttpRequest, pk: int) -> HttpResponse:
    # The organisation is no secret; what the reports say is filtered per document.
    department = get_object_or_404(Department, pk=pk)
    return _rollup_page(
        request,
        {"subject": department, "is_department": True},
        lambda week: department_rollup(request.user, department, week),
    )


@login_required
def space_view(request: HttpRequest, pk: int) -> HttpResponse:
    space = get_object_or_404(SpacePage, pk=pk)
    if not can(request.user, "view", space):
        raise Http404
    return _rollup_page(
        request,
        {"subject": space, "is_department": False},
        lambda week: space_rollup(request.user, space, week),
    )


@login_required
def actions_view(request: HttpRequest) -> HttpResponse:
    form = ActionFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "doctemplates/actions.html", {"form": form}, status=400)
    items = open_actions(request.user)
    owner = form.cleaned_data.get("owner") if request.GET else None
    if owner is not None:
        items = [item for item in items if item.owner_id == owner.pk]
    return render(request, "doctemplates/actions.html", {"form": form, "items": items})
