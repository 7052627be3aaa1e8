"""The notification list (``/notifications/``): one's own only; opening one marks it read. And
the page where people choose how each kind of notification reaches them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.notifications.api import choices_of, notification_channels, notification_kinds
from hub.notifications.models import ChannelChoice, Notification

PER_PAGE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    # Another person's notification is a 404 like one that does not exist.
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(notification.url if notification.url and safe else "notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications:list")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """A grid of kinds by channels; each box is on or off (unticked boxes are "off")."""
    kinds, channels = notification_kinds(), notification_channels()
    if request.method == "POST":
        # Only the known kinds and channels are read: anything else in the form is ignored.
        for kind in kinds:
            for channel in channels:
                ChannelChoice.objects.update_or_create(
                    user=request.user,
                    kind=kind.name,
                    channel=channel.name,
                    defaults={"enabled": f"{kind.name}:{channel.name}" in request.POST},
                )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:settings")
    rows = []
    for kind in kinds:
        chosen = choices_of([request.user], kind.name)[request.user.pk]
        cells = [
            (
                f"{kind.name}:{channel.name}",
                channel.label,
                chosen.get(channel.name, channel.default),
            )
            for channel in channels
        ]
        rows.append((kind, cells))
    context = {"channels": channels, "rows": rows}
    return render(request, "notifications/settings.html", context)
