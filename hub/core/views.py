"""The employee pages: home, spaces, documents, revisions, diffs and attachments.

Every view loads the object it returns and checks permission on that object; what a
person may not view answers 404 (its existence is not revealed), what they may view but
not change answers 403.
"""

from __future__ import annotations

import logging
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from wagtail.models import Page, Revision

from hub import plugins
from hub.core.diff import diff_text
from hub.core.documents import (
    EditConflict,
    create_document,
    restore_revision,
    revision_document,
    save_document,
)
from hub.core.files import serve_upload
from hub.core.forms import AttachmentForm, DocumentForm, MembershipForm, SpaceForm
from hub.core.markdown import render_markdown
from hub.core.models import Attachment, DocumentPage, HomePage, SpaceMembership, SpacePage
from hub.core.permissions import can, forget_roles, visible_documents, visible_spaces
from hub.doctemplates.fields import field_diffs
from hub.doctemplates.forms import FieldsForm, is_more_rows
from hub.doctemplates.prefill import new_document_start
from hub.ops.audit import as_actor

logger = logging.getLogger("hub.core")


def document_or_404(request: HttpRequest, pk: int, action: str = "view") -> DocumentPage:
    """Load a document the user can view, then require ``action`` on it."""
    document = get_object_or_404(DocumentPage.objects.select_related("space", "owner"), pk=pk)
    if not can(request.user, "view", document):
        raise Http404
    if action != "view" and not can(request.user, action, document):
        raise PermissionDenied
    return document


def _space_or_404(request: HttpRequest, pk: int, action: str = "view") -> SpacePage:
    space = get_object_or_404(SpacePage, pk=pk)
    if not can(request.user, "view", space):
        raise Http404
    if action != "view" and not can(request.user, action, space):
        raise PermissionDenied
    return space


def _revision_or_404(request: HttpRequest, document: DocumentPage, revision_id: int) -> Revision:
    """A revision of *this* document (an id of another document's revision is a 404)."""
    revision = get_object_or_404(
        Revision.page_revisions, pk=revision_id, object_id=str(document.pk)
    )
    if not can(request.user, "view", revision):
        raise Http404
    return revision


def _breadcrumbs(request: HttpRequest, page: Page) -> list[Page]:
    ancestors = page.get_ancestors().filter(depth__gt=2).specific()
    return [p for p in ancestors if can(request.user, "view", p)]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    widgets = []
    for widget in plugins.collect("hub_register_home_widgets", request=request):
        try:
            html = render_to_string(widget.template, widget.context, request=request)
        except Exception:
            # A plugin's broken widget must not take the home page down with it.
            logger.exception("home widget %r failed to render", widget.name)
            continue
        widgets.append({"widget": widget, "html": html})
    recent = visible_documents(request.user).select_related("space", "owner")
    return render(
        request,
        "core/home.html",
        {
            "spaces": visible_spaces(request.user)[:12],
            "recent_documents": recent.exclude(status=DocumentPage.Status.ARCHIVED).order_by(
                "-latest_revision_created_at"
            )[:10],
            "my_drafts": recent.filter(
                owner=request.user,
                status__in=[DocumentPage.Status.DRAFT, DocumentPage.Status.IN_REVIEW],
            ).order_by("-latest_revision_created_at")[:10],
            "widgets": widgets,
        },
    )


@login_required
def space_list(request: HttpRequest) -> HttpResponse:
    spaces = visible_spaces(request.user).select_related("department")
    return render(
        request,
        "core/space_list.html",
        {
            "department_spaces": [s for s in spaces if s.kind == SpacePage.Kind.DEPARTMENT],
            "project_spaces": [s for s in spaces if s.kind == SpacePage.Kind.PROJECT],
        },
    )


@login_required
def space_view(request: HttpRequest, space: SpacePage) -> HttpResponse:
    if not can(request.user, "view", space):
        raise Http404
    documents = (
        visible_documents(request.user, DocumentPage.objects.descendant_of(space))
        .select_related("owner")
        .order_by("path")
    )
    return render(
        request,
        "core/space.html",
        {
            "space": space,
            "tree": [(doc, doc.depth - space.depth - 1) for doc in documents],
            "can_edit": can(request.user, "edit", space),
            "can_admin": can(request.user, "admin", space),
        },
    )


@login_required
@as_actor
def space_create(request: HttpRequest) -> HttpResponse:
    form = SpaceForm(request.POST or None, initial={"visibility": SpacePage.Visibility.MEMBERS})
    if request.method == "POST" and form.is_valid():
        home_page = HomePage.objects.first()
        space = form.save(commit=False)
        space.kind = SpacePage.Kind.PROJECT
        space.owner = request.user
        if home_page.get_children().filter(slug=space.slug).exists():
            form.add_error("slug", _("This address is already used by another space."))
        else:
            with transaction.atomic():
                home_page.add_child(instance=space)
                SpaceMembership.objects.create(
                    space=space, user=request.user, role=SpaceMembership.Role.ADMIN
                )
            messages.success(request, _("The space was created."))
            return redirect(space.url)
    return render(request, "core/space_form.html", {"form": form})


@login_required
@as_actor
def space_members(request: HttpRequest, pk: int) -> HttpResponse:
    space = _space_or_404(request, pk, "admin")
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        SpaceMembership.objects.update_or_create(
            space=space,
            user=form.cleaned_data["user"],
            department=form.cleaned_data["department"],
            defaults={"role": form.cleaned_data["role"]},
        )
        forget_roles(request.user)
        messages.success(request, _("The member was saved."))
        return redirect("space_members", pk=space.pk)
    memberships = space.memberships.select_related("user", "department").order_by("role")
    return render(
        request,
        "core/space_members.html",
        {"space": space, "form": form, "memberships": memberships},
    )


@login_required
@require_POST
@as_actor
def space_member_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    space = _space_or_404(request, pk, "admin")
    get_object_or_404(SpaceMembership, pk=membership_id, space=space).delete()
    forget_roles(request.user)
    messages.success(request, _("The member was removed."))
    return redirect("space_members", pk=space.pk)


@login_required
def document_view(request: HttpRequest, document: DocumentPage) -> HttpResponse:
    if not can(request.user, "view", document):
        raise Http404
    children = visible_documents(request.user, DocumentPage.objects.child_of(document))
    return render(
        request,
        "core/document.html",
        {
            "document": document,
            "space": document.space,
            "breadcrumbs": _breadcrumbs(request, document),
            "body_html": render_markdown(document.body),
            "attachments": document.attachments.all(),
            "children": children.order_by("path"),
            "actions": plugins.collect(
                "hub_register_document_actions", request=request, document=document
            ),
            "can_edit": can(request.user, "edit", document),
            "upload_form": AttachmentForm(),
        },
    )


def parent_for_new_document(request: HttpRequest, parent_id: int) -> Page:
    """A space or document the user may add documents under (404 unseen, 403 not editable)."""
    parent = get_object_or_404(Page, pk=parent_id).specific
    if not isinstance(parent, SpacePage | DocumentPage) or not can(request.user, "view", parent):
        raise Http404
    space = parent if isinstance(parent, SpacePage) else parent.space
    if not can(request.user, "edit", space):
        raise PermissionDenied
    return parent


def _status_allowed(
    request: HttpRequest, form: DocumentForm, document: DocumentPage | None
) -> bool:
    if form.cleaned_data["status"] != DocumentPage.Status.ARCHIVED:
        return True
    if document is not None and can(request.user, "admin", document):
        return True
    form.add_error("status", _("Only the owner or a space admin can archive a document."))
    return False


def _form_page(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "core/document_form.html", {"conflict": None, **context})


@login_required
def document_create(request: HttpRequest, parent_id: int) -> HttpResponse:
    """A new document; ``?template=<id>`` starts from a template, ``?copy_from=<id>`` from
    a templated document (copied forward a week, see ``hub.doctemplates.prefill``)."""
    parent = parent_for_new_document(request, parent_id)
    space = parent if isinstance(parent, SpacePage) else parent.space
    start = new_document_start(request, space)
    data = request.POST if request.method == "POST" else None
    initial = {"status": DocumentPage.Status.DRAFT}
    if start:
        initial.update(title=start.title, body=start.body, tags=", ".join(start.tags))
    form = DocumentForm(data, initial=initial)
    fields_form = FieldsForm(start.template.specs(), data, start.fields) if start else None
    if data is not None and not is_more_rows(data):
        valid = [form.is_valid(), fields_form is None or fields_form.is_valid()]
        if all(valid) and _status_allowed(request, form, None):
            cleaned = form.cleaned_data
            document = create_document(
                parent,
                request.user,
                cleaned["title"],
                cleaned["body"],
                cleaned["status"],
                cleaned["tags"],
                template=start.template if start else None,
                fields=fields_form.values() if fields_form else None,
            )
            messages.success(request, _("The document was created."))
            return redirect(document.url)
    return _form_page(
        request,
        {
            "form": form,
            "fields_form": fields_form,
            "template": start.template if start else None,
            "parent": parent,
            "document": None,
        },
    )


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk, "edit")
    conflict = None
    data = request.POST if request.method == "POST" else None
    fields_form = (
        FieldsForm(document.template.specs(), data, document.fields)
        if document.template_id
        else None
    )
    if data is not None:
        form = DocumentForm(data)
        valid = [form.is_valid(), fields_form is None or fields_form.is_valid()]
        if not is_more_rows(data) and all(valid) and _status_allowed(request, form, document):
            cleaned = form.cleaned_data
            try:
                save_document(
                    document,
                    request.user,
                    cleaned["title"],
                    cleaned["body"],
                    cleaned["status"],
                    cleaned["tags"],
                    base_revision_id=cleaned["base_revision"],
                    fields=fields_form.values() if fields_form else None,
                )
            except EditConflict as error:
                # Keep what the user typed in the form and show what changed meanwhile.
                conflict = diff_text(revision_document(error.latest).body, cleaned["body"])
                form.data = form.data.copy()
                form.data["base_revision"] = error.latest.pk
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved as a new revision."))
                return redirect(document.url)
    else:
        form = DocumentForm(
            initial={
                "title": document.title,
                "body": document.body,
                "tags": ", ".join(tag.name for tag in document.tags.all()),
                "status": document.status,
                "base_revision": document.latest_revision_id,
            }
        )
    return _form_page(
        request,
        {
            "form": form,
            "fields_form": fields_form,
            "template": document.template,
            "document": document,
            "parent": None,
            "conflict": conflict,
        },
    )


@login_required
def document_history(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    revisions = Revision.page_revisions.filter(object_id=str(document.pk)).select_related("user")
    return render(
        request,
        "core/history.html",
        {
            "document": document,
            "revisions": revisions.order_by("-created_at", "-pk"),
            "can_edit": can(request.user, "edit", document),
        },
    )


@login_required
def document_diff(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    try:
        old_id, new_id = int(request.GET["from"]), int(request.GET["to"])
    except (KeyError, ValueError) as error:
        raise Http404 from error
    old_revision = _revision_or_404(request, document, old_id)
    new_revision = _revision_or_404(request, document, new_id)
    old, new = revision_document(old_revision), revision_document(new_revision)
    fields = [
        (_("Title"), old.title, new.title),
        (_("Status"), old.get_status_display(), new.get_status_display()),
        (
            _("Tags"),
            ", ".join(sorted(tag.name for tag in old.tags.all())),
            ", ".join(sorted(tag.name for tag in new.tags.all())),
        ),
    ]
    return render(
        request,
        "core/diff.html",
        {
            "document": document,
            "old_revision": old_revision,
            "new_revision": new_revision,
            "changed_fields": [field for field in fields if field[1] != field[2]],
            "field_diffs": field_diffs(old, new),
            "diff": diff_text(old.body, new.body),
        },
    )


@login_required
def revision_view(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    document = document_or_404(request, pk)
    revision = _revision_or_404(request, document, revision_id)
    old = revision_document(revision)
    return render(
        request,
        "core/revision.html",
        {
            "document": document,
            "revision": revision,
            "old": old,
            "body_html": render_markdown(old.body),
            "can_edit": can(request.user, "edit", document),
        },
    )


@login_required
@require_POST
def revision_restore(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    document = document_or_404(request, pk, "edit")
    revision = _revision_or_404(request, document, revision_id)
    restore_revision(document, revision, request.user)
    messages.success(request, _("The revision was restored as a new revision."))
    return redirect("document_history", pk=document.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk, "edit")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(document.url)
    upload = form.cleaned_data["file"]
    content_type = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
    Attachment.objects.create(
        document=document,
        file=upload,
        filename=upload.name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=request.user,
    )
    messages.success(request, _("The file was attached."))
    return redirect(document.url)


@login_required
def attachment_download(request: HttpRequest, pk: int, filename: str) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("document"), pk=pk)
    if not can(request.user, "view", attachment) or attachment.filename != filename:
        raise Http404
    return serve_upload(attachment.file, attachment.filename, attachment.content_type)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("document"), pk=pk)
    if not can(request.user, "view", attachment):
        raise Http404
    if not can(request.user, "edit", attachment):
        raise PermissionDenied
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, _("The attachment was deleted."))
    return redirect(attachment.document.url)


@login_required
def tag_view(request: HttpRequest, tag: str) -> HttpResponse:
    documents = visible_documents(
        request.user, DocumentPage.objects.filter(tags__name__iexact=tag)
    ).select_related("space", "owner")
    return render(
        request,
        "core/tag.html",
        {"tag": tag, "documents": documents.distinct().order_by("-latest_revision_created_at")},
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, plus remembering the choice on the account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
