"""A notification for one person (a line of text and where it leads), and people's choices
of how each kind of notification reaches them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What it is about (a name from hub_register_notification_kinds): people choose, per
    # kind, which channels beyond the notification centre bring it to them.
    kind = models.CharField(_("kind"), max_length=50, default="general")
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.text


class ChannelChoice(models.Model):
    """One person's choice for one kind through one channel; without a row, the channel's
    default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(_("kind"), max_length=50)
    channel = models.CharField(_("channel"), max_length=50)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="one_choice_per_kind_and_channel"
            )
        ]
        verbose_name = _("notification choice")

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel} {self.enabled}"
