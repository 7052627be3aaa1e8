"""The chat pages and their small JSON API: room list, room page, history, edit log,
attachments (upload and permission-checked download), group rooms, direct messages and
threads made into documents.

Every view loads the room and checks that the person may read it; a room they may not
read answers 404, like a room that does not exist.
"""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hub.core.files import serve_upload
from hub.core.models import SpacePage, User
from hub.core.permissions import can
from plugins.chat import broadcast, ratelimit, rooms, services
from plugins.chat.archive import PROPOSED_KINDS, room_owners
from plugins.chat.forms import (
    AttachmentForm,
    DirectForm,
    GroupRoomForm,
    InviteForm,
    ThreadDocumentForm,
)
from plugins.chat.models import ChatAttachment, Message, Room, ThreadDocument
from plugins.chat.permissions import can_manage_members, visible_rooms
from plugins.chat.serialize import message_payload, payloads, with_details
from plugins.chat.services import ChatError
from plugins.chat.thread import thread_to_document

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _room_or_404(request: HttpRequest, pk: int) -> Room:
    room = rooms.readable_room_or_none(request.user, pk)
    if room is None:
        raise Http404
    return room


def _error(error: ChatError, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": error.code, "message": str(error)}, status=status)


@login_required
def room_list(request: HttpRequest) -> HttpResponse:
    rooms.ensure_space_rooms(request.user)
    listed = list(
        visible_rooms(request.user).select_related("space").prefetch_related("members__user")
    )
    counts = services.unread_counts(request.user, [room.pk for room in listed])
    for room in listed:
        room.name = room.display_name(request.user)
        room.unread = counts.get(room.pk, 0)
    # Busiest first; rooms without messages after them, by name (the sorts are stable).
    listed.sort(key=lambda room: room.name)
    listed.sort(key=lambda room: room.last_message_at or EPOCH, reverse=True)
    return render(
        request,
        "chat/room_list.html",
        {
            "rooms": listed,
            "unread_total": sum(counts.values()),
            "direct_form": DirectForm(request.user),
        },
    )


@login_required
def space_room(request: HttpRequest, space_pk: int) -> HttpResponse:
    space = get_object_or_404(SpacePage, pk=space_pk)
    if not can(request.user, "view", space):
        raise Http404
    return redirect(rooms.room_for_space(space))


def _initial_messages(request: HttpRequest, room: Room) -> tuple[list[Message], bool]:
    """The latest page, or the page ending at ``?at=<message id>`` (a search hit)."""
    try:
        at = int(request.GET["at"])
    except (KeyError, ValueError):
        return services.history(room)
    return services.history(room, before=at + 1)


def _js_strings() -> dict[str, str]:
    return {
        "edited": _("edited"),
        "deleted": _("This message was deleted."),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "history": _("Edit log"),
        "confirmDelete": _("Delete this message?"),
        "connecting": _("Connecting…"),
        "connected": _("Connected"),
        "disconnected": _("Disconnected; reconnecting…"),
        "select": _("Select"),
        "uploadFailed": _("The file could not be sent."),
        "selected": _("Selected: %(count)d"),
        "nav": _("Chat"),
        "navCount": _("Chat (%(count)d)"),
    }


@login_required
def room_view(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room_or_404(request, pk)
    shown, more = _initial_messages(request, room)
    if shown:
        services.mark_read(request.user, room, shown[-1].pk)
    documents = [
        link.document
        for link in ThreadDocument.objects.filter(room=room).select_related("document")
        if can(request.user, "view", link.document)
    ]
    read_only = bool(room.archived_at or (room.space and room.space.archived_at))
    may_make_document = (
        room.kind == Room.Kind.SPACE and can(request.user, "edit", room.space) and not read_only
    )
    may_archive = room.kind in PROPOSED_KINDS and request.user in room_owners(room)
    return render(
        request,
        "chat/room.html",
        {
            "room": room,
            "room_name": room.display_name(request.user),
            "members": [m.user for m in room.members.select_related("user").order_by("added_at")],
            "can_manage": can_manage_members(request.user, room),
            "invite_form": InviteForm(request.user),
            "documents": documents,
            "thread_form": ThreadDocumentForm() if may_make_document else None,
            "read_only": read_only,
            "may_archive": may_archive,
            "chat_config": {
                "room": room.pk,
                "user": request.user.pk,
                "more": more,
                "messages": payloads(shown, request.user),
                "historyUrl": reverse("chat:history", args=[room.pk]),
                "attachUrl": reverse("chat:attach", args=[room.pk]),
                "editsUrl": reverse("chat:edits", args=[0]),
                "strings": _js_strings(),
            },
        },
    )


@login_required
@require_GET
def room_history(request: HttpRequest, pk: int) -> JsonResponse:
    """``?before=<id>``: the page of messages before that one, oldest first."""
    room = _room_or_404(request, pk)
    try:
        before = int(request.GET["before"]) if "before" in request.GET else None
    except ValueError:
        return _error(ChatError("invalid", _("“before” must be a message id.")))
    shown, more = services.history(room, before)
    return JsonResponse({"messages": payloads(shown, request.user), "more": more})


@login_required
@require_GET
def message_edits(request: HttpRequest, pk: int) -> JsonResponse:
    """The previous texts of a message, for the people who can read its room."""
    message = get_object_or_404(Message.objects.select_related("room"), pk=pk)
    _room_or_404(request, message.room_id)
    edits = [
        {
            "kind": edit.kind,
            "label": edit.get_kind_display(),
            "at": edit.created_at.isoformat(),
            "body": edit.previous_body,
        }
        for edit in message.edits.all()
    ]
    return JsonResponse({"message": message.pk, "edits": edits})


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> JsonResponse:
    room = _room_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        too_large = form.has_error("file", "too_large")
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return JsonResponse(
            {"code": "too_large" if too_large else "invalid", "message": errors},
            status=413 if too_large else 400,
        )
    wait = ratelimit.take(request.user.pk)
    if wait:
        return _error(ChatError("rate_limited", _("You are sending too fast; wait a moment.")), 429)
    upload = form.cleaned_data["file"]
    try:
        with transaction.atomic():
            message = services.post_message(
                request.user, room, form.cleaned_data["caption"], allow_empty=True
            )
            ChatAttachment.objects.create(
                message=message,
                file=upload,
                filename=upload.name[:255],
                content_type=mimetypes.guess_type(upload.name)[0] or "application/octet-stream",
                size=upload.size,
            )
    except ChatError as error:
        return _error(error)
    broadcast.publish_after_commit(room.pk, message.pk)
    message = with_details(Message.objects.filter(pk=message.pk)).get()
    return JsonResponse({"message": message_payload(message, request.user)}, status=201)


@login_required
def attachment_download(request: HttpRequest, pk: int, filename: str) -> HttpResponse:
    attachment = get_object_or_404(
        ChatAttachment.objects.select_related("message__room"), pk=pk, filename=filename
    )
    _room_or_404(request, attachment.message.room_id)
    return serve_upload(attachment.file, attachment.filename, attachment.content_type)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupRoomForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = rooms.create_group_room(
            request.user, form.cleaned_data["title"], form.cleaned_data["people"]
        )
        messages.success(request, _("The room was created."))
        return redirect(room)
    return render(request, "chat/group_form.html", {"form": form})


@login_required
@require_POST
def direct_start(request: HttpRequest) -> HttpResponse:
    form = DirectForm(request.user, request.POST)
    if form.is_valid():
        try:
            return redirect(rooms.direct_room(request.user, form.cleaned_data["person"]))
        except rooms.RoomError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose a person to write to."))
    return redirect("chat:rooms")


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room_or_404(request, pk)
    if not can_manage_members(request.user, room):
        raise PermissionDenied
    form = InviteForm(request.user, request.POST)
    if form.is_valid():
        added = rooms.add_members(room, request.user, form.cleaned_data["people"])
        messages.success(request, _("%(count)d people were added.") % {"count": len(added)})
    else:
        messages.error(request, _("Choose the people to invite."))
    return redirect(room)


@login_required
@require_POST
def remove_member(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """A group room's creator removes someone; anyone removes themselves (leaves)."""
    room = _room_or_404(request, pk)
    person = get_object_or_404(User, pk=user_pk)
    if person != request.user and not can_manage_members(request.user, room):
        raise PermissionDenied
    try:
        rooms.remove_member(room, person)
    except rooms.RoomError as error:
        messages.error(request, str(error))
        return redirect(room)
    if person == request.user:
        messages.success(request, _("You left the room."))
        return redirect("chat:rooms")
    messages.success(request, _("%(person)s was removed.") % {"person": person})
    return redirect(room)


@login_required
@require_POST
def to_document(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room_or_404(request, pk)
    form = ThreadDocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the messages and give the document a title."))
        return redirect(room)
    data = form.cleaned_data
    try:
        document = thread_to_document(
            request.user, room, data["first"], data["last"], data["title"], data["status"]
        )
    except ChatError as error:
        messages.error(request, str(error))
        return redirect(room)
    messages.success(request, _("The document was created from the chat."))
    return redirect(document.url)
