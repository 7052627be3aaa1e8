"""The archiving page (proposals to decide, archived things to restore) and its actions.

Every action checks ``can(user, "admin", obj)`` on the object it changes; a space or
document the person may not administer is a 404 like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.archiving import services
from hub.archiving.models import Proposal
from hub.core.models import DocumentPage, SpacePage
from hub.core.permissions import can, visible_documents, visible_spaces


def _admin_or_404(user, obj):
    if not can(user, "admin", obj):
        raise Http404
    return obj


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("archiving:list")


@login_required
def archive_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    proposals = [
        proposal
        for proposal in Proposal.objects.filter(decided_at__isnull=True).select_related(
            "space", "document__space"
        )
        if can(user, "admin", proposal.target)
    ]
    spaces = [s for s in visible_spaces(user).exclude(archived_at=None) if can(user, "admin", s)]
    documents = [
        document
        for document in visible_documents(user)
        .filter(status=DocumentPage.Status.ARCHIVED, space__archived_at=None)
        .select_related("space")
        if can(user, "admin", document)
    ]
    context = {"proposals": proposals, "spaces": spaces, "documents": documents}
    return render(request, "archiving/list.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk, decided_at__isnull=True)
    target = _admin_or_404(request.user, proposal.target)
    if decision == "keep":
        services.keep(proposal, request.user)
        messages.success(request, _("“%(title)s” is kept.") % {"title": target.title})
    elif isinstance(target, SpacePage):
        services.archive_space(target, request.user)
        messages.success(request, _("“%(title)s” is archived.") % {"title": target.title})
    else:
        services.archive_document(target, request.user)
        messages.success(request, _("“%(title)s” is archived.") % {"title": target.title})
    return _back(request)


@login_required
@require_POST
def space_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    space = _admin_or_404(request.user, get_object_or_404(SpacePage, pk=pk))
    if action == "archive":
        count = services.archive_space(space, request.user)
        message = _("“%(title)s” is archived with %(count)d documents; restore it any time.")
    else:
        count = services.restore_space(space, request.user)
        message = _("“%(title)s” is restored with %(count)d documents.")
    messages.success(request, message % {"title": space.title, "count": count})
    return _back(request)


@login_required
@require_POST
def document_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    document = _admin_or_404(request.user, get_object_or_404(DocumentPage, pk=pk))
    if document.space and document.space.archived_at:
        messages.error(request, _("Its space is archived: restore the space instead."))
        return _back(request)
    if action == "archive":
        services.archive_document(document, request.user)
        messages.success(request, _("“%(title)s” is archived.") % {"title": document.title})
    else:
        services.restore_document(document, request.user)
        messages.success(request, _("“%(title)s” is restored.") % {"title": document.title})
    return _back(request)
