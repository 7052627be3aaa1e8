"""The feedback pages: send, my feedback, detail and triage, tracking link, inbox, summary.

Every view checks permission on the item it returns: feedback the user may not see is a
404 (its existence is not revealed); seeing but not triaging is a 403 on triage.
Pages for triagers only answer 403 to everyone else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hub.core.models import Department
from hub.core.months import current_month
from plugins.feedback.forms import FeedbackForm, InboxFilterForm, SummaryForm, TriageForm
from plugins.feedback.models import Feedback
from plugins.feedback.permissions import can_triage, can_view, triage_departments
from plugins.feedback.summary import monthly_summary


def _feedback_or_404(request: HttpRequest, pk) -> Feedback:
    feedback = get_object_or_404(Feedback.objects.select_related("department", "submitter"), pk=pk)
    if not can_view(request.user, feedback):
        raise Http404
    return feedback


def _triage_departments_or_403(request: HttpRequest) -> QuerySet[Department]:
    departments = triage_departments(request.user)
    if not departments.exists():
        raise PermissionDenied
    return departments


@login_required
def my_feedback(request: HttpRequest) -> HttpResponse:
    items = Feedback.objects.filter(submitter=request.user).select_related("department")
    return render(
        request,
        "feedback/my_feedback.html",
        {"items": items, "is_triager": triage_departments(request.user).exists()},
    )


@login_required
def send(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback, token = Feedback.submit(submitter=request.user, **form.cleaned_data)
        if token is None:
            messages.success(request, _("Thank you, your feedback was sent."))
            return redirect("feedback:detail", pk=feedback.pk)
        # The token is shown in this response only: a redirect would put it in a URL
        # (and the server's access log), a message would put it in the session.
        response = render(
            request,
            "feedback/sent.html",
            {
                "feedback": feedback,
                "tracking_url": request.build_absolute_uri(reverse("feedback:track", args=[token])),
            },
        )
        add_never_cache_headers(response)
        return response
    return render(request, "feedback/send.html", {"form": form})


def _detail(
    request: HttpRequest, feedback: Feedback, form: TriageForm | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "feedback/detail.html",
        {
            "feedback": feedback,
            "events": feedback.events.select_related("author"),
            "triage_form": form,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk) -> HttpResponse:
    feedback = _feedback_or_404(request, pk)
    form = TriageForm(feedback=feedback) if can_triage(request.user, feedback) else None
    return _detail(request, feedback, form)


@login_required
@require_POST
def triage(request: HttpRequest, pk) -> HttpResponse:
    feedback = _feedback_or_404(request, pk)
    if not can_triage(request.user, feedback):
        raise PermissionDenied
    form = TriageForm(request.POST, feedback=feedback)
    if not form.is_valid():
        return _detail(request, feedback, form, status=400)
    feedback.triage(request.user, form.cleaned_data["status"], form.cleaned_data["reply"])
    messages.success(request, _("The feedback was updated."))
    return redirect("feedback:detail", pk=feedback.pk)


@never_cache
@login_required
def track(request: HttpRequest, token: str) -> HttpResponse:
    feedback = Feedback.by_token(token)
    if feedback is None:
        raise Http404
    return render(
        request,
        "feedback/track.html",
        {"feedback": feedback, "events": feedback.events.select_related("author")},
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    departments = _triage_departments_or_403(request)
    form = InboxFilterForm(request.GET, departments=departments)
    items, status = Feedback.objects.none(), 400
    if form.is_valid():
        items = Feedback.objects.filter(department__in=form.scope(departments))
        if form.cleaned_data["status"]:
            items = items.filter(status=form.cleaned_data["status"])
        items, status = items.select_related("department", "submitter"), 200
    return render(request, "feedback/inbox.html", {"form": form, "items": items}, status=status)


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    departments = _triage_departments_or_403(request)
    data = request.GET.copy()
    data.setdefault("month", f"{current_month():%Y-%m}")
    form = SummaryForm(data, departments=departments)
    result, status = None, 400
    if form.is_valid():
        result, status = monthly_summary(form.cleaned_data["month"], form.scope(departments)), 200
    return render(
        request, "feedback/summary.html", {"form": form, "summary": result}, status=status
    )
