"""The approval pages: waiting for me, my requests, new request, a request with its
timeline and actions, resubmission, frozen document revisions, attachments, figures and
the lists behind the dashboard panel's figures (scoped like the dashboard itself).

Every view loads the request through ``visible_requests``: who may not see it gets 404;
who may see it but not do this gets 403; an action on a step that moved on gets 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Revision

from hub.core.documents import revision_document
from hub.core.files import serve_upload
from hub.core.markdown import render_markdown
from hub.core.models import DocumentPage, User
from hub.core.permissions import can
from hub.dashboards.scope import scope_for
from plugins.approvals import dashboard, workflow
from plugins.approvals import figures as figure_functions
from plugins.approvals.fields import RequestForm, display_value
from plugins.approvals.forms import CommentForm, DecisionForm, FiguresForm, WithdrawForm
from plugins.approvals.models import Flow, Request, RequestAttachment, Status
from plugins.approvals.permissions import visible_requests, waiting_for
from plugins.approvals.timeline import timeline


def _request_or_404(request: HttpRequest, pk: int) -> Request:
    found = visible_requests(request.user).select_related("flow", "requester").filter(pk=pk)
    approval = found.first()
    if approval is None:
        raise Http404
    return approval


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    return render(request, "approvals/waiting.html", {"runs": waiting_for(request.user)})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    requests = Request.objects.filter(requester=request.user).select_related("flow")
    return render(request, "approvals/mine.html", {"requests": requests})


def _document_to_submit(request: HttpRequest) -> DocumentPage | None:
    """The document of ``?document=``, which the user must be able to edit."""
    raw = request.GET.get("document")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    document = get_object_or_404(DocumentPage, pk=int(raw))
    if not can(request.user, "view", document):
        raise Http404
    if not can(request.user, "edit", document):
        raise PermissionDenied
    return document


@login_required
def new(request: HttpRequest) -> HttpResponse:
    document = _document_to_submit(request)
    flows = Flow.objects.filter(active=True)
    return render(request, "approvals/new.html", {"flows": flows, "document": document})


@login_required
def submit(request: HttpRequest, flow_pk: int) -> HttpResponse:
    flow = get_object_or_404(Flow, pk=flow_pk, active=True)
    document = _document_to_submit(request)
    initial = {"title": document.title} if document else {}
    form = RequestForm(flow.specs(), request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        approval = workflow.submit(
            flow, request.user, form.cleaned_data["title"], form.values(), document
        )
        messages.success(request, _("Your request was submitted."))
        return redirect(approval)
    status = 400 if request.method == "POST" else 200
    context = {"flow": flow, "form": form, "document": document}
    return render(request, "approvals/submit.html", context, status=status)


def _value_rows(approval: Request) -> list[dict]:
    specs = approval.flow.specs()
    person_ids = [
        approval.values.get(spec.name)
        for spec in specs
        if spec.kind == "person" and approval.values.get(spec.name)
    ]
    people = User.objects.in_bulk(person_ids)
    attachments = approval.attachments.in_bulk()
    rows = []
    for spec in specs:
        raw = approval.values.get(spec.name)
        attachment = attachments.get(raw.get("attachment")) if spec.kind == "file" and raw else None
        rows.append(
            {
                "spec": spec,
                "text": display_value(spec, raw, people),
                "attachment": attachment,
            }
        )
    return rows


def _detail(request: HttpRequest, approval: Request, status: int = 200, **forms) -> HttpResponse:
    run = approval.current_step_run()
    may_decide = run is not None and waiting_for(request.user).filter(pk=run.pk).exists()
    is_requester = approval.requester_id == request.user.pk
    context = {
        "approval": approval,
        "rows": _value_rows(approval),
        "timeline": timeline(approval),
        "run": run,
        "approvers": list(run.approvers.all()) if run else [],
        "may_decide": may_decide,
        "decision_form": forms.get("decision_form")
        or DecisionForm(initial={"step_run": run.pk, "nonce": run.nonce} if run else None),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "may_withdraw": is_requester and approval.status in (Status.IN_PROGRESS, Status.RETURNED),
        "may_resubmit": is_requester and approval.status == Status.RETURNED,
        "withdraw_form": WithdrawForm(),
        "document_visible": approval.document is not None
        and can(request.user, "view", approval.document),
    }
    return render(request, "approvals/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _request_or_404(request, pk))


def _refused(request: HttpRequest, approval: Request, error: workflow.Refused) -> HttpResponse:
    if error.status == 403:
        raise PermissionDenied(str(error))
    messages.error(request, str(error))
    approval.refresh_from_db()
    return _detail(request, approval, status=error.status)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _request_or_404(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, approval, status=400, decision_form=form)
    data = form.cleaned_data
    try:
        workflow.decide(
            approval, request.user, data["step_run"], data["nonce"], data["action"], data["comment"]
        )
    except workflow.Refused as error:
        return _refused(request, approval, error)
    messages.success(request, _("Your decision was recorded."))
    return redirect(approval)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _request_or_404(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, approval, status=400, comment_form=form)
    workflow.add_comment(approval, request.user, form.cleaned_data["text"])
    messages.success(request, _("Your comment was added."))
    return redirect(approval)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _request_or_404(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, approval, status=400)
    try:
        workflow.withdraw(approval, request.user, form.cleaned_data["comment"])
    except workflow.Refused as error:
        return _refused(request, approval, error)
    messages.success(request, _("The request was withdrawn."))
    return redirect(approval)


@login_required
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _request_or_404(request, pk)
    if approval.requester_id != request.user.pk:
        raise PermissionDenied
    if approval.status != Status.RETURNED:
        messages.error(request, _("Only a request returned for changes can be resubmitted."))
        return redirect(approval)
    form = RequestForm(
        approval.flow.specs(),
        request.POST or None,
        request.FILES or None,
        existing=approval.values,
        initial={"title": approval.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.resubmit(approval, request.user, form.cleaned_data["title"], form.values())
        except workflow.Refused as error:
            return _refused(request, approval, error)
        messages.success(request, _("Your request was resubmitted."))
        return redirect(approval)
    status = 400 if request.method == "POST" else 200
    context = {"flow": approval.flow, "form": form, "approval": approval}
    return render(request, "approvals/submit.html", context, status=status)


@login_required
def revision(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    """The document as submitted or approved: shown to everyone who may see the request."""
    approval = _request_or_404(request, pk)
    if revision_id not in (approval.revision_id, approval.approved_revision_id):
        raise Http404
    frozen = get_object_or_404(Revision, pk=revision_id)
    old = revision_document(frozen)
    context = {
        "approval": approval,
        "revision": frozen,
        "old": old,
        "body_html": render_markdown(old.body),
        "approved": revision_id == approval.approved_revision_id,
    }
    return render(request, "approvals/revision.html", context)


@login_required
def attachment(request: HttpRequest, pk: int, filename: str) -> HttpResponse:
    file = get_object_or_404(RequestAttachment, pk=pk, filename=filename)
    if not visible_requests(request.user).filter(pk=file.request_id).exists():
        raise Http404
    return serve_upload(file.file, file.filename, file.content_type)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    form = FiguresForm(request.GET or FiguresForm.default_range())
    context = {"form": form}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        context.update(
            steps=figure_functions.step_turnaround(start, end),
            flows=figure_functions.flow_turnaround(start, end),
            overdue=figure_functions.overdue_by_department(),
        )
    return render(
        request, "approvals/figures.html", context, status=200 if form.is_valid() else 400
    )


@login_required
def dashboard_list(request: HttpRequest) -> HttpResponse:
    """The requests behind a figure of the dashboard panel (``?figure=flows|steps|overdue``,
    narrowed by ``flow`` and ``step``), for the departments the viewer's dashboard covers:
    a department asked for outside them falls back to the viewer's own, as on the
    dashboard."""
    scope, form = scope_for(request)
    figure = request.GET.get("figure", "")
    flow, step = request.GET.get("flow", ""), request.GET.get("step", "")
    titles = {
        "flows": _("Requests closed, submitted to decided"),
        "steps": _("Steps decided"),
        "overdue": _("Steps overdue now"),
    }
    context = {
        "scope": scope,
        "form": form,
        "figure": figure,
        "title": titles.get(figure, _("Approvals")),
        "filter": " · ".join(part for part in (flow, step) if part),
        "extra_filters": [("figure", figure), ("flow", flow), ("step", step)],
    }
    if figure not in dashboard.FIGURES:
        context["error"] = _("Choose a figure of the dashboard: flows, steps or overdue.")
        return render(request, "approvals/dashboard_list.html", context, status=400)
    context["rows"] = dashboard.figure_rows(scope, figure, flow, step)
    return render(request, "approvals/dashboard_list.html", context)
