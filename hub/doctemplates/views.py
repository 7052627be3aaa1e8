"""Pages of document templates: choosing a template for a new document, the roll-ups
(per department, per project space, open action items) and answering a help request.
Every figure is computed from the documents the viewer may see (``hub.doctemplates.rollups``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.core.models import Department, DocumentPage, SpacePage, User
from hub.core.permissions import can, visible_spaces
from hub.core.views import parent_for_new_document
from hub.doctemplates.fields import WeekField
from hub.doctemplates.help_forms import AnswerForm
from hub.doctemplates.helprequests import (
    AnsweredMeanwhile,
    earlier_answers,
    find_request,
    is_weekly_report,
    mark_answerable,
    refusal,
    requests_of,
    save_answer,
)
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
    rollup = compute(week)
    for requests in [rollup.help_for_us, *(found for _d, found in rollup.help_requested)]:
        mark_answerable(request.user, requests)
    return render(
        request,
        "doctemplates/rollup.html",
        {
            **context,
            "form": form,
            "week": week,
            "previous_week": shift_week(week, -1),
            "next_week": shift_week(week, 1),
            "rollup": rollup,
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


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after answering: the page the form was on, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return default


@login_required
def help_request_view(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One help request of a weekly report: the request, its answer with every version,
    and (for a member of the asked department) the form to answer it or change the answer.
    A report the person may not read, or a request it no longer has, is a 404."""
    document = get_object_or_404(DocumentPage.objects.select_related("template"), pk=pk)
    if not can(request.user, "view", document):
        raise Http404
    found = find_request(document, key)
    if found is None:
        raise Http404
    refused = refusal(request.user, found)
    answer = found.answer
    initial = {}
    if answer is not None:
        link = answer.linked_document.url if answer.linked_document else answer.link
        initial = {"reply": answer.reply, "link": link or ""}
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,
        request_host=request.get_host(),
    )
    status = 200
    if request.method == "POST" and refused:
        # The page says why; nothing is saved.
        status = 403
    elif request.method == "POST":
        if form.is_valid():
            try:
                save_answer(
                    found,
                    request.user,
                    form.cleaned_data["reply"],
                    form.linked_document,
                    form.link_path,
                )
            except AnsweredMeanwhile:
                form.add_error(None, gettext("Someone of your department answered it just now."))
                found = find_request(document, key) or found
                refused = refusal(request.user, found)
            else:
                messages.success(request, gettext("Your answer was saved."))
                return redirect(_next_url(request, f"{document.url}#{found.anchor}"))
        status = 400
    answer = found.answer
    versions = answer.versions.select_related("author", "linked_document") if answer else []
    context = {
        "found": found,
        "answer": answer,
        "versions": versions,
        "form": form,
        "refusal": refused,
        "next": _next_url(request, ""),
    }
    return render(request, "doctemplates/help_request.html", context, status=status)


def help_requests_fragment(request: HttpRequest, document: DocumentPage) -> str:
    """The help requests of a weekly report with their answers, for its page (slot
    ``document_fields``); empty for any other document or a report asking nothing."""
    if not is_weekly_report(document):
        return ""
    requests = mark_answerable(request.user, requests_of(document))
    earlier = earlier_answers(document, requests)
    if not requests and not earlier:
        return ""
    context = {"requests": requests, "earlier": earlier}
    return render_to_string("doctemplates/includes/help_requests.html", context, request)
