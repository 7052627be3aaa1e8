"""The archiving page (proposals to decide, archived things to restore) and its actions.

Every action checks ``can(user, "admin", obj)`` on the space or document it changes, or
that the person owns the plugin's item (``services.owned_item``); anything else is a 404
like something that does not exist.
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


def _owned_or_404(user, kind: str, key: str):
    owned = services.owned_item(user, kind, key)
    if owned is None:
        raise Http404
    return owned


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("archiving:list")


@login_required
def archive_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    types = services.archive_types()
    proposals = []
    for proposal in Proposal.objects.filter(decided_at__isnull=True).select_related(
        "space", "document__space"
    ):
        shown = services.shown(proposal, types)
        if shown is None:
            continue
        if shown.item:
            may_decide = services.owns(user, shown.item)
        else:
            may_decide = can(user, "admin", proposal.target)
        if may_decide:
            proposals.append((proposal, shown))
    spaces = [s for s in visible_spaces(user).exclude(archived_at=None) if can(user, "admin", s)]
    documents = [
        document
        for document in visible_documents(user)
        .filter(status=DocumentPage.Status.ARCHIVED, space__archived_at=None)
        .select_related("space")
        if can(user, "admin", document)
    ]
    items = [
        (archive_type, item)
        for archive_type in types.values()
        for item in archive_type.archived(user)
    ]
    context = {"proposals": proposals, "spaces": spaces, "documents": documents, "items": items}
    return render(request, "archiving/list.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk, decided_at__isnull=True)
    if proposal.kind:
        archive_type, item = _owned_or_404(request.user, proposal.kind, proposal.key)
        title = item.label
    else:
        target = _admin_or_404(request.user, proposal.target)
        title = target.title
    if decision == "keep":
        services.keep(proposal, request.user)
        messages.success(request, _("“%(title)s” is kept.") % {"title": title})
        return _back(request)
    if proposal.kind:
        services.archive_item(archive_type, proposal.key, request.user)
    elif isinstance(target, SpacePage):
        services.archive_space(target, request.user)
    else:
        services.archive_document(target, request.user)
    messages.success(request, _("“%(title)s” is archived.") % {"title": title})
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


@login_required
@require_POST
def item_action(request: HttpRequest, kind: str, key: str, action: str) -> HttpResponse:
    """Archive or restore a plugin's item (a chat room…), by one of its owners."""
    archive_type, item = _owned_or_404(request.user, kind, key)
    if action == "archive":
        changed = services.archive_item(archive_type, key, request.user)
        done, unchanged = _("“%(title)s” is archived."), _("“%(title)s” was already archived.")
    else:
        changed = services.restore_item(archive_type, key, request.user)
        done, unchanged = _("“%(title)s” is restored."), _("“%(title)s” is not archived.")
    message = messages.success if changed else messages.info
    message(request, (done if changed else unchanged) % {"title": item.label})
    return _back(request)
